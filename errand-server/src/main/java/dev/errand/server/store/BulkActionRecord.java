package dev.errand.server.store;

import dev.errand.sdk.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored bulk action: a cancel or replay of every run that matched {@code filter} when the action
 * was created, and its progress. {@code processed = succeeded + failed + skipped}; the action is
 * {@code COMPLETED} once {@code processed} reached {@code total}.
 *
 * @param failed runs the action could not act on (a replay whose task is no longer registered)
 * @param skipped runs there was nothing to do for (a cancel of a run that had already finished, or
 *     a run deleted meanwhile)
 * @param error why the action is {@code FAILED}, else null
 * @param finishedAt when it became {@code COMPLETED} or {@code FAILED}
 */
public record BulkActionRecord(
    UUID id,
    UUID environmentId,
    Kind kind,
    Status status,
    Filter filter,
    int total,
    int processed,
    int succeeded,
    int failed,
    int skipped,
    String error,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {

  /** What the action does to each of its runs. */
  public enum Kind {
    /** Cancels the run, as {@link Store#cancel} does. */
    CANCEL,
    /** Triggers a new run of the same task with the same payload ({@code replayOf} set). */
    REPLAY
  }

  /** Where the action is. */
  public enum Status {
    RUNNING,
    COMPLETED,
    /** Stopped after its batches kept failing; {@code error} says why. */
    FAILED
  }

  /**
   * Which runs of the environment an action covers; null (or, for {@code statuses}, empty) fields
   * do not filter. {@code from} is inclusive and {@code to} exclusive, on the runs' creation time.
   */
  public record Filter(
      List<RunStatus> statuses, String taskId, String tag, Instant from, Instant to) {
    public Filter {
      statuses = statuses == null ? List.of() : List.copyOf(statuses);
    }

    /** Whether no field filters: such a filter would cover every run of the environment. */
    public boolean isEmpty() {
      return statuses.isEmpty() && taskId == null && tag == null && from == null && to == null;
    }
  }
}
