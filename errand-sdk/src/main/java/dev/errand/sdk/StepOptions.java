package dev.errand.sdk;

import java.util.Objects;

/**
 * Options of one step.
 *
 * @param retry how the step's block is retried, in place, when it throws; null to fail the attempt
 *     at the first throw (the task's retry policy then decides about the run)
 */
public record StepOptions(RetryPolicy retry) {
  /** No step-level retries. */
  public static final StepOptions NONE = new StepOptions(null);

  /** Retries the step's block by {@code policy} before the error fails the attempt. */
  public static StepOptions retry(RetryPolicy policy) {
    return new StepOptions(Objects.requireNonNull(policy, "policy"));
  }
}
