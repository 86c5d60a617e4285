package dev.errand.sdk;

/**
 * A resumed run reached its steps in a different order than an earlier attempt recorded them,
 * usually because the task's code changed between attempts. The recorded result cannot be trusted
 * to belong to the step the code asks for, so the run fails instead of returning a wrong value.
 * Never retried.
 */
public final class NonDeterminismException extends NonRetryableException {
  private static final long serialVersionUID = 1L;

  public NonDeterminismException(String message) {
    super(message);
  }
}
