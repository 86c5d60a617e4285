package dev.errand.server.store;

import java.time.Instant;

/**
 * A task definition as registered by a worker.
 *
 * @param retryPolicyJson the {@link dev.errand.sdk.RetryPolicy} as JSON
 * @param payloadSchemaJson the JSON schema payloads are validated against, or null
 * @param updatedAt set by the store; ignored on upsert
 * @param maxDurationMillis how long one attempt may run, or null for no limit
 * @param concurrencyLimit the limit of the task's queue, or null for none: as the task declares it
 *     on upsert; as it applies (a run-time override, else the declared one) when read
 * @param rateLimit runs of the task's queue that may start per {@code rateWindowMillis}, or null
 * @param totalConcurrencyLimit the cap of the task's queue across its concurrency keys, or null
 * @param rateLimitPerKey whether {@code rateLimit} applies to each concurrency key on its own
 */
public record TaskRecord(
    String taskId,
    String queue,
    int maxAttempts,
    String retryPolicyJson,
    String payloadSchemaJson,
    Instant updatedAt,
    Long maxDurationMillis,
    Integer concurrencyLimit,
    Integer rateLimit,
    Long rateWindowMillis,
    Integer totalConcurrencyLimit,
    boolean rateLimitPerKey) {

  /** A task without a maximum duration. */
  public TaskRecord(
      String taskId,
      String queue,
      int maxAttempts,
      String retryPolicyJson,
      String payloadSchemaJson,
      Instant updatedAt) {
    this(
        taskId,
        queue,
        maxAttempts,
        retryPolicyJson,
        payloadSchemaJson,
        updatedAt,
        null,
        null,
        null,
        null,
        null,
        false);
  }
}
