package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A bulk cancel or replay as read back from the server, with its progress. The runs it covers were
 * fixed when it started ({@code total}); the server works through them in the background, in
 * batches, and {@code processed} grows until it reaches {@code total} and the action is {@code
 * COMPLETED}.
 *
 * @param id {@code bulk_} and 26 base32 characters
 * @param filter the filter it was started with
 * @param processed runs dealt with so far: {@code succeeded + failed + skipped}
 * @param succeeded runs canceled, or replayed
 * @param failed runs that could not be replayed (their task is no longer registered)
 * @param skipped runs with nothing to do: already finished when a cancel reached them
 * @param error why the action is {@code FAILED}, else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkAction(
    String id,
    Kind kind,
    Status status,
    RunFilter filter,
    int total,
    int processed,
    int succeeded,
    int failed,
    int skipped,
    String error,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {

  /** What a bulk action does to each run. */
  public enum Kind {
    CANCEL,
    REPLAY
  }

  /** Where a bulk action is. */
  public enum Status {
    RUNNING,
    COMPLETED,
    /** Stopped because its batches kept failing; see {@code error}. */
    FAILED
  }

  /** Whether the server is done with it. */
  public boolean isFinished() {
    return status != Status.RUNNING;
  }
}
