package dev.errand.server.webhook;

/**
 * A delivery the ingestion path refuses before verifying or storing it: a malformed body (400), a
 * body too large (413) or an unsupported media type (415). The message is safe to send back to the
 * sender: it never contains a secret, a signature or the body.
 */
public final class WebhookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  /**
   * @param status the HTTP status to answer with
   * @param code a short machine-readable reason, e.g. {@code malformed_body}
   * @param message a human-readable reason, free of secrets
   */
  public WebhookException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** A short machine-readable reason, e.g. {@code unsupported_media_type}. */
  public String code() {
    return code;
  }
}
