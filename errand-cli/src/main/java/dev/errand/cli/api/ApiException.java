package dev.errand.cli.api;

/**
 * The server refused a request: its HTTP status and the {@code {"error": {"code", "message"}}} it
 * answered with. The message reads {@code <message> (<code>, HTTP <status>)}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message + " (" + code + ", HTTP " + status + ")");
    this.status = status;
    this.code = code;
  }

  /** The HTTP status, e.g. 404. */
  public int status() {
    return status;
  }

  /** The API's error code, e.g. {@code endpoint_not_found}. */
  public String code() {
    return code;
  }
}
