package dev.errand.cli.api;

/** No answer from the server at all: nothing listening, a wrong host, a timeout. */
public final class ServerUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
