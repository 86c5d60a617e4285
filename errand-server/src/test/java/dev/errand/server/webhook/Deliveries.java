package dev.errand.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Building deliveries in tests, and an HMAC independent of the production {@code Hmac}. */
final class Deliveries {
  private Deliveries() {}

  static Headers headers(Map<String, String> values) {
    Map<String, List<String>> multi = new LinkedHashMap<>();
    values.forEach((name, value) -> multi.put(name, List.of(value)));
    return Headers.of(multi);
  }

  static Headers headers(String... namesAndValues) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers(values);
  }

  static WebhookRequest request(Map<String, String> headers, byte[] body) {
    return new WebhookRequest(headers(headers), body);
  }

  static WebhookRequest request(String body, String... namesAndValues) {
    return new WebhookRequest(headers(namesAndValues), utf8(body));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] hmacSha256(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /** A copy with the byte at {@code index} changed (one bit flipped). */
  static byte[] flip(byte[] bytes, int index) {
    byte[] copy = bytes.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  /** A copy with the character at {@code index} changed to another one. */
  static String flip(String text, int index) {
    char c = text.charAt(index);
    char other = c == 'a' ? 'b' : 'a';
    return text.substring(0, index) + other + text.substring(index + 1);
  }
}
