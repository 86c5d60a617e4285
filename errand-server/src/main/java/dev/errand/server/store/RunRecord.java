package dev.errand.server.store;

import dev.errand.sdk.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored run. JSON fields are text as stored; null when absent. {@code maxAttempts} is the
 * highest attempt number the run may reach; after a manual retry that is {@code
 * attemptsBeforeRetry} (the attempt count the latest retry started from) plus the run's budget.
 * {@code metadataJson} is the metadata object given at trigger time, or null.
 */
public record RunRecord(
    UUID id,
    UUID environmentId,
    String taskId,
    String queue,
    RunStatus status,
    String payloadJson,
    String outputJson,
    String errorJson,
    int attemptCount,
    int maxAttempts,
    List<String> tags,
    String idempotencyKey,
    UUID replayOf,
    Instant createdAt,
    Instant availableAt,
    Instant startedAt,
    Instant finishedAt,
    String leaseWorkerId,
    long leaseToken,
    Instant leaseExpiresAt,
    long version,
    Long maxDurationMillis,
    UUID parentRunId,
    int stepCount,
    long priorityMillis,
    String concurrencyKey,
    int attemptsBeforeRetry,
    UUID scheduleId,
    String metadataJson) {

  /** How many attempts the run may make from its start, or from its latest manual retry. */
  public int attemptBudget() {
    return maxAttempts - attemptsBeforeRetry;
  }
}
