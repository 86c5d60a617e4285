package dev.errand.server.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps every environment's data key: 32 random bytes, given to the server from
 * outside the database (a file or an environment variable, base64). Never stored in the database;
 * only its {@link #fingerprint()} is, next to each data key it wrapped, so that a server started
 * with another key says so instead of failing on every secret. Immutable and thread-safe; {@link
 * #toString()} shows only the fingerprint.
 */
public final class MasterKey {

  /** Length of a master key: {@value} bytes (AES-256). */
  public static final int LENGTH = 32;

  /** The environment variable holding a master key in base64: {@value}. */
  public static final String ENV_VAR = "ERRAND_MASTER_KEY";

  /** The environment variable naming a file that holds a master key in base64: {@value}. */
  public static final String FILE_ENV_VAR = "ERRAND_MASTER_KEY_FILE";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final String fingerprint;

  private MasterKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
    this.fingerprint = fingerprintOf(bytes);
    Arrays.fill(bytes, (byte) 0);
  }

  /** A new random key. */
  public static MasterKey generate() {
    byte[] bytes = new byte[LENGTH];
    RANDOM.nextBytes(bytes);
    return new MasterKey(bytes);
  }

  /**
   * A key from its base64 text (standard or URL-safe alphabet, surrounding whitespace ignored).
   *
   * @throws IllegalArgumentException when the text is not base64 of exactly 32 bytes (the message
   *     never quotes the text)
   */
  public static MasterKey fromBase64(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the master key is empty: expected 32 bytes in base64");
    }
    String trimmed = text.strip();
    byte[] bytes;
    try {
      bytes =
          trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(trimmed)
              : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the master key is not valid base64", null);
    }
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "the master key must be " + LENGTH + " bytes in base64, was " + bytes.length + " bytes");
    }
    return new MasterKey(bytes);
  }

  /**
   * A key from a file holding its base64 text.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no valid key
   */
  public static MasterKey fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the master key file " + file + ": " + e, e);
    }
    try {
      return fromBase64(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", e);
    }
  }

  /** The key in base64, to write to a file. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * A short public identifier of the key (16 hex characters of a SHA-256 over it), stored with each
   * data key it wraps. It reveals nothing useful about a 256-bit random key.
   */
  public String fingerprint() {
    return fingerprint;
  }

  SecretKey key() {
    return key;
  }

  private static String fingerprintOf(byte[] bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update("errand master key fingerprint\0".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest.digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[fingerprint=" + fingerprint + ", key=[masked]]";
  }
}
