package dev.errand.sdk;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The status of a run, with Trigger.dev's public names, and the one transition table of the run
 * lifecycle. Every write of a run's status checks {@link #canMoveTo(RunStatus)}.
 *
 * <pre>
 *   DELAYED ──┬──────────────▶ QUEUED ──▶ EXECUTING ──▶ COMPLETED
 *             └───────────────────────────▲   │  │ ──▶ FAILED / CRASHED / TIMED_OUT / SYSTEM_FAILURE
 *                      (retry, lease lost) │   │  └──▶ WAITING ──▶ QUEUED
 *                               QUEUED ◀───┘   │
 *   any non-final status ──▶ CANCELED; DELAYED / QUEUED ──▶ EXPIRED
 *   FAILED / CRASHED / TIMED_OUT / CANCELED / SYSTEM_FAILURE ──▶ QUEUED   (manual retry)
 * </pre>
 *
 * <p>A final status ({@link #isFinal()}) is never left by a worker, a timer or the engine. The only
 * way out of one is an operator's manual retry ({@code POST /api/v1/runs/{id}/retry}), which the
 * table lists as the move back to {@code QUEUED} from the statuses that ended without success
 * ({@link #isRetryable()}).
 *
 * <p>Immutable and thread-safe.
 */
public enum RunStatus {
  /** Triggered with a delay; becomes runnable at its due time. */
  DELAYED,
  /** Waiting for a worker; also the state between a failed attempt and its retry. */
  QUEUED,
  /** An attempt holds a lease on a worker. */
  EXECUTING,
  /** Suspended on a wait (duration, token or child run) without holding a worker. */
  WAITING,
  /** Finished with an output. Final. */
  COMPLETED,
  /** Finished after its last allowed attempt failed. Final. */
  FAILED,
  /** Canceled before it finished. Final. */
  CANCELED,
  /** Its worker died and no attempts were left. Final. */
  CRASHED,
  /** Not started before its time to live ran out. Final. */
  EXPIRED,
  /** Exhausted its attempts by exceeding its maximum duration. Final. */
  TIMED_OUT,
  /** Failed through an error of Errand itself, not of the task. Final. */
  SYSTEM_FAILURE;

  private static final Map<RunStatus, Set<RunStatus>> TRANSITIONS = transitions();

  private static final Set<RunStatus> FINAL =
      Collections.unmodifiableSet(
          EnumSet.of(COMPLETED, FAILED, CANCELED, CRASHED, EXPIRED, TIMED_OUT, SYSTEM_FAILURE));

  private static Map<RunStatus, Set<RunStatus>> transitions() {
    var table = new java.util.EnumMap<RunStatus, Set<RunStatus>>(RunStatus.class);
    table.put(DELAYED, EnumSet.of(QUEUED, EXECUTING, CANCELED, EXPIRED));
    table.put(QUEUED, EnumSet.of(EXECUTING, CANCELED, EXPIRED));
    table.put(
        EXECUTING,
        EnumSet.of(
            QUEUED, WAITING, COMPLETED, FAILED, CANCELED, CRASHED, TIMED_OUT, SYSTEM_FAILURE));
    table.put(WAITING, EnumSet.of(QUEUED, CANCELED, FAILED, TIMED_OUT, SYSTEM_FAILURE));
    // manual retry: the same run back in the queue, keeping its recorded steps
    for (RunStatus unsuccessful :
        EnumSet.of(FAILED, CRASHED, TIMED_OUT, CANCELED, SYSTEM_FAILURE)) {
      table.put(unsuccessful, EnumSet.of(QUEUED));
    }
    for (RunStatus s : values()) {
      table.putIfAbsent(s, EnumSet.noneOf(RunStatus.class));
    }
    table.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    return Collections.unmodifiableMap(table);
  }

  /** Whether the lifecycle allows a run in this status to move to {@code target}. */
  public boolean canMoveTo(RunStatus target) {
    return TRANSITIONS.get(this).contains(target);
  }

  /** The statuses from which a run may move to {@code target}. */
  public static Set<RunStatus> sourcesOf(RunStatus target) {
    EnumSet<RunStatus> sources = EnumSet.noneOf(RunStatus.class);
    for (RunStatus s : values()) {
      if (s.canMoveTo(target)) {
        sources.add(s);
      }
    }
    return Collections.unmodifiableSet(sources);
  }

  /**
   * Whether the run has finished: nothing moves it on any more, except a manual retry of a run that
   * ended without success ({@link #isRetryable()}).
   */
  public boolean isFinal() {
    return FINAL.contains(this);
  }

  /**
   * Whether a run in this status may be retried by hand: it finished without success ({@code
   * FAILED}, {@code CRASHED}, {@code TIMED_OUT}, {@code CANCELED}, {@code SYSTEM_FAILURE}). {@code
   * COMPLETED} and {@code EXPIRED} may not: replay those instead.
   */
  public boolean isRetryable() {
    return isFinal() && canMoveTo(QUEUED);
  }
}
