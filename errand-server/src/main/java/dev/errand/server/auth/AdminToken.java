package dev.errand.server.auth;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The server's admin token, given at start ({@code ERRAND_ADMIN_TOKEN}, {@code
 * --admin-token-file}): it alone may call the admin API ({@code /api/v1/admin/...}). Only its
 * SHA-256 is kept in memory; a presented token is compared by hash in constant time. Immutable and
 * thread-safe.
 */
public final class AdminToken {
  /** The shortest token accepted: {@value} characters. */
  public static final int MIN_LENGTH = 16;

  private final byte[] hash;

  private AdminToken(byte[] hash) {
    this.hash = hash;
  }

  /**
   * An admin token.
   *
   * @throws IllegalArgumentException when it is shorter than {@value #MIN_LENGTH} characters
   */
  public static AdminToken of(String token) {
    if (token == null || token.strip().length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the admin token must have at least "
              + MIN_LENGTH
              + " characters, had "
              + (token == null ? 0 : token.strip().length()));
    }
    return new AdminToken(sha256(token.strip()));
  }

  /** A new random token (27 base62 characters, 160 bits), for {@code errand dev}. */
  public static String generate() {
    return "eadm_" + SecretKeys.randomBase62(27);
  }

  /** Whether {@code candidate} is this token, compared in constant time. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(hash, sha256(candidate.strip()));
  }

  private static byte[] sha256(String text) {
    return HexFormat.of().parseHex(SecretKeys.hash(text));
  }

  @Override
  public String toString() {
    return "AdminToken[****]";
  }
}
