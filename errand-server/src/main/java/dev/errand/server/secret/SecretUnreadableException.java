package dev.errand.server.secret;

/**
 * A stored secret (an environment variable, a webhook secret or a data key) failed to decrypt: the
 * ciphertext was altered, moved to another row, or the master key is not the one that wrapped the
 * data key. The message names what could not be read, never a value.
 */
public final class SecretUnreadableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The API error code: {@value}. */
  public static final String CODE = "secret_unreadable";

  public SecretUnreadableException(String message) {
    super(message);
  }
}
