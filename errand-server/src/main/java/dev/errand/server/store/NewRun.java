package dev.errand.server.store;

import java.util.List;
import java.util.UUID;

/**
 * A run to insert. It is {@code DELAYED} when {@code delayMillis > 0} (due at {@code now +
 * delayMillis} by the database clock), else {@code QUEUED} and due now.
 *
 * @param id a time-ordered UUID (version 7)
 * @param payloadJson the payload as JSON text
 * @param tags never null
 * @param idempotencyKey null for none
 * @param replayOf the run this one replays, or null
 * @param maxDurationMillis how long one attempt may run, or null for no limit
 * @param parentRunId the run that triggered this one and waits for it, or null
 * @param parentPosition the parent's step position that waits for this run
 * @param parentItem this run's index among the children that step waits for
 * @param idempotencyKeyTtlMillis how long the idempotency key holds, or null for ever
 * @param ttlMillis how long the run may wait to start before it ends {@code EXPIRED}, or null
 * @param priorityMillis orders the run as if it had been triggered this much earlier (0: none)
 * @param concurrencyKey the run's slice of its queue; {@code ""} for none
 * @param metadataJson the run's metadata, a JSON object as text, or null for none
 */
public record NewRun(
    UUID id,
    UUID environmentId,
    String taskId,
    String queue,
    String payloadJson,
    int maxAttempts,
    List<String> tags,
    String idempotencyKey,
    long delayMillis,
    UUID replayOf,
    Long maxDurationMillis,
    UUID parentRunId,
    Integer parentPosition,
    Integer parentItem,
    Long idempotencyKeyTtlMillis,
    Long ttlMillis,
    long priorityMillis,
    String concurrencyKey,
    String metadataJson) {

  public NewRun {
    concurrencyKey = concurrencyKey == null ? "" : concurrencyKey;
  }

  /** This run with another payload (JSON text). */
  public NewRun withPayload(String newPayloadJson) {
    return new NewRun(
        id,
        environmentId,
        taskId,
        queue,
        newPayloadJson,
        maxAttempts,
        tags,
        idempotencyKey,
        delayMillis,
        replayOf,
        maxDurationMillis,
        parentRunId,
        parentPosition,
        parentItem,
        idempotencyKeyTtlMillis,
        ttlMillis,
        priorityMillis,
        concurrencyKey,
        metadataJson);
  }

  /** A run without metadata. */
  public NewRun(
      UUID id,
      UUID environmentId,
      String taskId,
      String queue,
      String payloadJson,
      int maxAttempts,
      List<String> tags,
      String idempotencyKey,
      long delayMillis,
      UUID replayOf,
      Long maxDurationMillis,
      UUID parentRunId,
      Integer parentPosition,
      Integer parentItem,
      Long idempotencyKeyTtlMillis,
      Long ttlMillis,
      long priorityMillis,
      String concurrencyKey) {
    this(
        id,
        environmentId,
        taskId,
        queue,
        payloadJson,
        maxAttempts,
        tags,
        idempotencyKey,
        delayMillis,
        replayOf,
        maxDurationMillis,
        parentRunId,
        parentPosition,
        parentItem,
        idempotencyKeyTtlMillis,
        ttlMillis,
        priorityMillis,
        concurrencyKey,
        null);
  }

  /** A run without a maximum duration or a parent. */
  public NewRun(
      UUID id,
      UUID environmentId,
      String taskId,
      String queue,
      String payloadJson,
      int maxAttempts,
      List<String> tags,
      String idempotencyKey,
      long delayMillis,
      UUID replayOf) {
    this(
        id,
        environmentId,
        taskId,
        queue,
        payloadJson,
        maxAttempts,
        tags,
        idempotencyKey,
        delayMillis,
        replayOf,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        "",
        null);
  }
}
