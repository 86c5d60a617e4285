package dev.errand.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored attempt. {@code status} is {@code EXECUTING}, {@code COMPLETED}, {@code FAILED}, {@code
 * CRASHED} (lease expired) or {@code CANCELED}.
 */
public record AttemptRecord(
    UUID runId,
    int number,
    String status,
    String workerId,
    Instant startedAt,
    Instant finishedAt,
    String errorJson) {}
