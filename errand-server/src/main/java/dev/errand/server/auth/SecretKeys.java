package dev.errand.server.auth;

import dev.errand.sdk.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * API keys: {@code ek_<environment>_<32 random base62 characters>_<checksum>} (190 random bits; the
 * format and its checksum are {@link ApiKeys}'s). Only their SHA-256 hash is stored, plus the first
 * characters (to tell keys apart) and the last four (to recognise one in a list). Keys of the older
 * {@code sk_<environment>_...} format, and any key an operator chose, keep working: the server only
 * ever compares hashes.
 */
public final class SecretKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final int PREFIX_LENGTH = 12;

  private SecretKeys() {}

  /** A new random key for an environment slug such as {@code dev}. */
  public static String generate(String environmentSlug) {
    String rest =
        ApiKeys.PREFIX + slugForKey(environmentSlug) + "_" + randomBase62(ApiKeys.BODY_LENGTH);
    return rest + "_" + ApiKeys.checksum(rest);
  }

  /**
   * The environment slug as a key shows it: environments made before slugs were checked may hold
   * other characters, which become dashes.
   */
  static String slugForKey(String environmentSlug) {
    String s =
        environmentSlug == null
            ? ""
            : environmentSlug.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    s = s.replaceAll("^-+", "");
    if (s.length() > 32) {
      s = s.substring(0, 32);
    }
    return s.isEmpty() ? "env" : s;
  }

  static String randomBase62(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ApiKeys.ALPHABET.charAt(RANDOM.nextInt(ApiKeys.ALPHABET.length())));
    }
    return out.toString();
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

  /**
   * The part of a key safe to show and store in clear: its first characters, at most {@value
   * #PREFIX_LENGTH} and at most a quarter of the key, so that a short key an operator chose is not
   * mostly stored in clear.
   */
  public static String prefix(String key) {
    return key.substring(0, Math.min(PREFIX_LENGTH, key.length() / 4));
  }

  /**
   * The last four characters of a key, shown in lists to recognise it; empty for a key shorter than
   * {@value #MIN_LENGTH_FOR_LAST_FOUR} characters (with its prefix they would leave too little of
   * it unknown).
   */
  public static String lastFour(String key) {
    return key.length() < MIN_LENGTH_FOR_LAST_FOUR ? "" : key.substring(key.length() - 4);
  }

  /** Keys shorter than this keep their last four characters to themselves: {@value}. */
  public static final int MIN_LENGTH_FOR_LAST_FOUR = 32;

  /**
   * The shortest key an operator may choose (for example as {@code ERRAND_SECRET_KEY}): {@value}.
   */
  public static final int MIN_CHOSEN_LENGTH = 24;
}
