package dev.errand.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A run as read back from the server.
 *
 * @param <O> the output type ({@link JsonNode} when read without a type)
 */
public record Run<O>(
    String id,
    String taskIdentifier,
    RunStatus status,
    JsonNode payload,
    O output,
    RunError error,
    int attemptCount,
    List<Attempt> attempts,
    List<String> tags,
    String idempotencyKey,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant delayUntil) {

  /** Whether the run has finished and will never change again. */
  public boolean isFinal() {
    return status.isFinal();
  }
}
