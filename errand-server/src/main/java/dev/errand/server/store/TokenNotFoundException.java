package dev.errand.server.store;

import java.util.UUID;

/** No such waitpoint token in the environment. */
public final class TokenNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenNotFoundException(UUID tokenId) {
    super("no token " + tokenId);
  }
}
