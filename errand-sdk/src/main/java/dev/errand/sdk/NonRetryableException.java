package dev.errand.sdk;

/**
 * Thrown from a task to fail its run at once, whatever attempts its retry policy has left (the
 * analogue of Trigger.dev's {@code AbortTaskRunError}).
 */
public class NonRetryableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonRetryableException(String message) {
    super(message);
  }

  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
