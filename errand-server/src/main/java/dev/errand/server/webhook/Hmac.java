package dev.errand.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 and the constant-time comparison every verifier shares. */
final class Hmac {
  private static final String ALGORITHM = "HmacSHA256";

  private Hmac() {}

  /** HMAC-SHA256 of the concatenated parts, without copying them into one array. */
  static byte[] sha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /**
   * Whether any key's HMAC of the content equals any candidate, each comparison in constant time.
   * Empty keys (which {@link SecretKeySpec} refuses) never match.
   */
  static boolean anyMatches(List<byte[]> keys, List<byte[]> candidates, byte[]... content) {
    boolean matched = false;
    for (byte[] key : keys) {
      if (key.length == 0) {
        continue;
      }
      byte[] expected = sha256(key, content);
      for (byte[] candidate : candidates) {
        // no early exit: the time taken does not depend on which secret or signature matched
        matched |= MessageDigest.isEqual(expected, candidate);
      }
    }
    return matched;
  }

  /** Each secret's UTF-8 bytes, the key most providers use; null entries are skipped. */
  static List<byte[]> utf8Keys(List<String> secrets) {
    List<byte[]> keys = new ArrayList<>();
    if (secrets != null) {
      for (String secret : secrets) {
        if (secret != null) {
          keys.add(secret.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return keys;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
