package dev.errand.sdk;

import java.util.Objects;

/**
 * How a child run ended, for {@link Task#triggerAndWait}: its output when it {@code COMPLETED},
 * else its error (also for a canceled, crashed or timed-out child).
 *
 * @param <O> the child task's output type
 */
public final class RunResult<O> {
  private final String runId;
  private final RunStatus status;
  private final O output;
  private final RunError error;

  public RunResult(String runId, RunStatus status, O output, RunError error) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.status = Objects.requireNonNull(status, "status");
    this.output = output;
    this.error = error;
  }

  public String runId() {
    return runId;
  }

  /** The child's final status. */
  public RunStatus status() {
    return status;
  }

  /** Whether the child completed. */
  public boolean ok() {
    return status == RunStatus.COMPLETED;
  }

  /** The child's output; null unless {@link #ok()}. */
  public O output() {
    return output;
  }

  /** Why the child did not complete; null when {@link #ok()}. */
  public RunError error() {
    return error;
  }

  /**
   * The output, or an exception naming the child's failure.
   *
   * @throws ErrandException when the child did not complete
   */
  public O unwrap() {
    if (!ok()) {
      throw new ErrandException(
          "child run "
              + runId
              + " ended "
              + status
              + (error == null ? "" : ": " + error.type() + ": " + error.message()));
    }
    return output;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunResult<?> r
        && r.runId.equals(runId)
        && r.status == status
        && Objects.equals(r.output, output)
        && Objects.equals(r.error, error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runId, status, output, error);
  }

  @Override
  public String toString() {
    return "RunResult[" + runId + " " + status + (ok() ? " " + output : " " + error) + "]";
  }
}
