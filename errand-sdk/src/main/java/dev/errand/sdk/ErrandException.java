package dev.errand.sdk;

/** The root of every exception the Errand SDK throws. */
public class ErrandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ErrandException(String message) {
    super(message);
  }

  public ErrandException(String message, Throwable cause) {
    super(message, cause);
  }
}
