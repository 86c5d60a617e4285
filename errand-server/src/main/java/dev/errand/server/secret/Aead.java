package dev.errand.server.secret;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with the JDK's provider, in Errand's sealed format: {@code enc:v1:} and the base64 of
 * a format byte (1), a 96-bit random nonce (fresh for every encryption, from {@link SecureRandom})
 * and the ciphertext with its 128-bit tag. The associated data binds a ciphertext to where it is
 * stored ({@link #associatedData}); it is not stored, so a ciphertext copied elsewhere fails to
 * open. Thread-safe.
 */
final class Aead {
  /** What every sealed text starts with. */
  static final String PREFIX = "enc:v1:";

  static final byte FORMAT = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Aead() {}

  /** Whether {@code text} is in the sealed format (else it is a legacy value in clear). */
  static boolean isSealed(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  static String seal(SecretKey key, byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plaintext);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
      out.put(FORMAT).put(nonce).put(sealed);
      return PREFIX + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /**
   * The plaintext of {@code sealedText}.
   *
   * @param what names the secret in the error, such as {@code environment variable STRIPE_KEY}
   * @throws SecretUnreadableException when the text is malformed, was altered, or was sealed with
   *     another key or for another place
   */
  static byte[] open(SecretKey key, String sealedText, byte[] associatedData, String what) {
    if (!isSealed(sealedText)) {
      throw new SecretUnreadableException(what + " is not in the sealed format");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealedText.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new SecretUnreadableException(what + " is not valid base64");
    }
    if (bytes.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretUnreadableException(what + " is too short to be a sealed value");
    }
    if (bytes[0] != FORMAT) {
      throw new SecretUnreadableException(what + " has unknown format " + bytes[0]);
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new SecretUnreadableException(
          what
              + " failed to decrypt: it was altered, copied from another place, or sealed under"
              + " another key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /**
   * An unambiguous encoding of a purpose and the fields a ciphertext is bound to: each as a 4-byte
   * length and its UTF-8 bytes, so that no two different lists encode alike.
   */
  static byte[] associatedData(String purpose, String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    append(out, purpose);
    for (String field : fields) {
      append(out, field);
    }
    return out.toByteArray();
  }

  private static void append(ByteArrayOutputStream out, String field) {
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
