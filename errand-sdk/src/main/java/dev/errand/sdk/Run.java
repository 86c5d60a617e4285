package dev.errand.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A run as read back from the server.
 *
 * @param error the last failed attempt's error while the run is not {@code COMPLETED}
 * @param attempts every attempt, oldest first; null in lists
 * @param replayOf the id of the run this one replays, or null
 * @param delayUntil when a {@code DELAYED} run becomes due
 * @param nextAttemptAt when a {@code QUEUED} run waiting for a retry becomes due
 * @param maxDuration how long one attempt may run; null for no limit
 * @param parentRunId the run that triggered this one with {@code triggerAndWait}, or null
 * @param steps the steps and waits the run recorded, in order; null in lists
 * @param concurrencyKey the run's slice of its queue, or null
 * @param scheduleId the schedule that started the run ({@code sched_...}), or null
 * @param metadata the JSON object given with {@link TriggerOptions#withMetadata} when the run was
 *     triggered (or copied from the run it replays), or null
 * @param <O> the output type ({@link JsonNode} when read without a type)
 */
public record Run<O>(
    String id,
    String taskIdentifier,
    String queue,
    RunStatus status,
    JsonNode payload,
    O output,
    RunError error,
    int attemptCount,
    int maxAttempts,
    List<Attempt> attempts,
    List<String> tags,
    String idempotencyKey,
    String replayOf,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant delayUntil,
    Instant nextAttemptAt,
    Duration maxDuration,
    String parentRunId,
    List<RunStep> steps,
    String concurrencyKey,
    String scheduleId,
    JsonNode metadata) {

  public Run {
    metadata = metadata == null || metadata.isNull() ? null : metadata; // JSON null: none
  }

  /**
   * Whether the run has finished. Only a manual retry ({@link Runs#retry}) moves a run that ended
   * without success on again.
   */
  public boolean isFinal() {
    return status.isFinal();
  }
}
