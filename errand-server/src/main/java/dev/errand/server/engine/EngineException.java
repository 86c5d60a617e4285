package dev.errand.server.engine;

/**
 * A request the engine refuses, with an HTTP-like status and a stable error code: the API renders
 * it as {@code {"error":{"code":...,"message":...}}}.
 */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public EngineException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static EngineException badRequest(String code, String message) {
    return new EngineException(400, code, message);
  }

  public static EngineException notFound(String code, String message) {
    return new EngineException(404, code, message);
  }

  public static EngineException conflict(String code, String message) {
    return new EngineException(409, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
