package dev.errand.server.store;

/** A waitpoint token was already completed or timed out. */
public final class TokenStateConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient TokenRecord token;

  public TokenStateConflictException(TokenRecord token) {
    super("token " + token.id() + " is already " + token.status());
    this.token = token;
  }

  public TokenRecord token() {
    return token;
  }
}
