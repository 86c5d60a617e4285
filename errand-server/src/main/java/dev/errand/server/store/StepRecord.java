package dev.errand.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A step, wait, token wait or child-run wait a run reached, at its {@code position} in the task's
 * code. JSON fields are text as stored.
 *
 * @param index how many steps of this name came before it in the run
 * @param attempt the run attempt that recorded it
 * @param tries how often the block ran within that attempt (its own retries)
 * @param resumeAt a {@code WAIT}'s due time, or a {@code TOKEN} wait's timeout; else null
 * @param tokenId the token a {@code TOKEN} wait waits for
 * @param childCount how many child runs a {@code CHILDREN} wait waits for
 */
public record StepRecord(
    UUID runId,
    int position,
    String name,
    int index,
    Kind kind,
    Status status,
    String outputJson,
    String errorJson,
    int attempt,
    int tries,
    Instant startedAt,
    Instant finishedAt,
    Instant resumeAt,
    UUID tokenId,
    Integer childCount) {

  public enum Kind {
    STEP,
    WAIT,
    TOKEN,
    CHILDREN
  }

  public enum Status {
    COMPLETED,
    FAILED,
    WAITING
  }
}
