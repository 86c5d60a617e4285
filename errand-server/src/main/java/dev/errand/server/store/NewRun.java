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
    UUID replayOf) {}
