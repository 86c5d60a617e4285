package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A waitpoint token.
 *
 * @param outputJson the data it was completed with, as JSON text; null until then
 * @param timeoutAt when it times out; null for never
 */
public record TokenRecord(
    UUID id,
    UUID environmentId,
    Status status,
    String idempotencyKey,
    List<String> tags,
    String outputJson,
    Instant timeoutAt,
    Instant createdAt,
    Instant completedAt) {

  public enum Status {
    WAITING,
    COMPLETED,
    TIMED_OUT
  }
}
