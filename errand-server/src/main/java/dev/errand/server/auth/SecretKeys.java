package dev.errand.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secret keys: {@code sk_<environment>_} and 32 random base32 characters (160 bits). Only their
 * SHA-256 hash is stored; the first characters are kept as a prefix to tell keys apart.
 */
public final class SecretKeys {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final int PREFIX_LENGTH = 12;

  private SecretKeys() {}

  /** A new random key for an environment slug such as {@code dev}. */
  public static String generate(String environmentSlug) {
    StringBuilder key = new StringBuilder("sk_").append(environmentSlug).append('_');
    for (int i = 0; i < 32; i++) {
      key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return key.toString();
  }

  /** The hex SHA-256 of a key, as stored. */
  public static String hash(String key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The part of a key safe to show and store in clear. */
  public static String prefix(String key) {
    return key.substring(0, Math.min(PREFIX_LENGTH, key.length()));
  }
}
