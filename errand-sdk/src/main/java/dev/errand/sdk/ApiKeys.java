package dev.errand.sdk;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The format of Errand API keys, checked offline: {@code ek_<environment>_<body>_<checksum>}, where
 * the body is 32 random base62 characters (190 bits) and the checksum is the CRC32 of everything
 * before its underscore, in 6 base62 characters. A CRC32 catches every change of one character, so
 * a key mistyped or cut short is refused before any request is made.
 *
 * <p>Keys of the older format ({@code sk_<environment>_...}, and any key an operator chose, such as
 * {@code $ERRAND_SECRET_KEY} of an existing install) carry no checksum: they are not checked here
 * and the server alone judges them.
 *
 * <p>Stateless and thread-safe.
 */
public final class ApiKeys {
  /** The prefix of keys with a checksum: {@value}. */
  public static final String PREFIX = "ek_";

  /** Random characters in a key's body: {@value} (base62, about 190 bits). */
  public static final int BODY_LENGTH = 32;

  /** Characters of the checksum: {@value}. */
  public static final int CHECKSUM_LENGTH = 6;

  /** Base62 digits, in order of value. */
  public static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** What an environment slug may be: lowercase letters, digits and dashes, 1 to 32. */
  public static final String ENVIRONMENT_SLUG = "[a-z0-9][a-z0-9-]{0,31}";

  private static final Pattern FORMAT =
      Pattern.compile(
          "ek_("
              + ENVIRONMENT_SLUG
              + ")_[0-9A-Za-z]{"
              + BODY_LENGTH
              + "}_([0-9A-Za-z]{"
              + CHECKSUM_LENGTH
              + "})");

  private ApiKeys() {}

  /**
   * Whether {@code key} is a well-formed {@code ek_} key whose checksum matches. False for keys of
   * the older format, which cannot be checked offline.
   */
  public static boolean looksValid(String key) {
    if (key == null) {
      return false;
    }
    Matcher m = FORMAT.matcher(key);
    if (!m.matches()) {
      return false;
    }
    int split = key.length() - CHECKSUM_LENGTH - 1;
    return checksum(key.substring(0, split)).equals(m.group(2));
  }

  /**
   * Refuses a key that starts with {@value #PREFIX} but is malformed or whose checksum does not
   * match; lets keys of the older format through.
   *
   * @throws IllegalArgumentException naming what is wrong (never quoting the key)
   */
  public static void check(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("the API key is empty");
    }
    if (!key.startsWith(PREFIX) || looksValid(key)) {
      return;
    }
    if (!FORMAT.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "this API key is malformed: expected ek_<environment>_<"
              + BODY_LENGTH
              + " characters>_<"
              + CHECKSUM_LENGTH
              + " characters> ("
              + key.length()
              + " characters given); copy it again from where it was shown");
    }
    throw new IllegalArgumentException(
        "this API key has a typo: its checksum does not match; copy it again from where it was"
            + " shown");
  }

  /** The environment slug a well-formed {@code ek_} key names, or null. */
  public static String environmentOf(String key) {
    if (key == null) {
      return null;
    }
    Matcher m = FORMAT.matcher(key);
    return m.matches() ? m.group(1) : null;
  }

  /**
   * The checksum of a key's first part ({@code ek_<environment>_<body>}): its CRC32 (of the UTF-8
   * bytes) in {@value #CHECKSUM_LENGTH} base62 digits, most significant first.
   */
  public static String checksum(String keyWithoutChecksum) {
    CRC32 crc = new CRC32();
    crc.update(keyWithoutChecksum.getBytes(StandardCharsets.UTF_8));
    long value = crc.getValue();
    char[] digits = new char[CHECKSUM_LENGTH];
    for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
      digits[i] = ALPHABET.charAt((int) (value % 62));
      value /= 62;
    }
    return new String(digits);
  }
}
