package dev.errand.sdk;

/**
 * The server answered a request with an error: carries the HTTP status and the error code and
 * message of its {@code {"error":{"code":"...","message":"..."}}} body.
 */
public class ErrandApiException extends ErrandException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ErrandApiException(int status, String code, String message) {
    super("HTTP " + status + " " + code + ": " + message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status, such as 404. */
  public int status() {
    return status;
  }

  /** The machine-readable error code, such as {@code task_not_found}. */
  public String code() {
    return code;
  }
}
