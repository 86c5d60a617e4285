package dev.errand.server.webhook;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** Decodes signature text into bytes; hostile input gives empty, never an exception. */
final class SignatureEncoding {
  private SignatureEncoding() {}

  /** Hex digits of either case, an even number of them. */
  static Optional<byte[]> hex(String text) {
    if (text.isEmpty() || text.length() % 2 != 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(HexFormat.of().parseHex(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Standard base64 (RFC 4648 section 4), padding optional. */
  static Optional<byte[]> base64(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
