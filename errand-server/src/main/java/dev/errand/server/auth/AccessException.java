package dev.errand.server.auth;

/**
 * A request refused by authentication, permissions or the administration of projects and keys, with
 * an HTTP status and a stable error code: the API renders it as {@code
 * {"error":{"code":...,"message":...}}}.
 */
public final class AccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public AccessException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static AccessException unauthorized(String message) {
    return new AccessException(401, "unauthorized", message);
  }

  static AccessException badRequest(String message) {
    return new AccessException(400, "invalid_request", message);
  }

  static AccessException notFound(String code, String message) {
    return new AccessException(404, code, message);
  }

  static AccessException conflict(String code, String message) {
    return new AccessException(409, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
