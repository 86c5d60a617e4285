package dev.errand.server.webhook;

/** Validation of header names and other short texts in endpoint configuration. */
final class ConfigText {
  static final int MAX_HEADER_NAME_LENGTH = 256;
  private static final int ABBREVIATE_AFTER = 80;

  private ConfigText() {}

  /** {@code name}, checked to be an RFC 9110 token (what a header name may be). */
  static String headerName(String field, String name) {
    if (name == null
        || name.isEmpty()
        || name.length() > MAX_HEADER_NAME_LENGTH
        || !name.chars().allMatch(ConfigText::isTokenChar)) {
      throw new IllegalArgumentException(
          field
              + ": must be a header name of 1 to "
              + MAX_HEADER_NAME_LENGTH
              + " letters, digits or !#$%&'*+-.^_`|~ (was "
              + VerifierConfig.quoted(name)
              + ")");
    }
    return name;
  }

  static boolean isVisibleAscii(String text) {
    return text.chars().allMatch(c -> c > ' ' && c < 0x7f);
  }

  /** The value itself in messages, cut short so that a huge input does not flood a log. */
  static String abbreviated(String value) {
    return value.length() <= ABBREVIATE_AFTER
        ? value
        : value.substring(0, ABBREVIATE_AFTER) + "... (" + value.length() + " characters)";
  }

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
