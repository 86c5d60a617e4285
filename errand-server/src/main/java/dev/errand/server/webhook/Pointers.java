package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonPointer;

/** Validation of JSON pointers (RFC 6901) in endpoint configuration. */
final class Pointers {
  static final int MAX_LENGTH = 512;

  private Pointers() {}

  /** Checks {@code pointer} is a JSON pointer to a field: starts with "/", at most 512 chars. */
  static void check(String field, String pointer) {
    if (pointer == null
        || !pointer.startsWith("/")
        || pointer.length() > MAX_LENGTH
        || !isValid(pointer)) {
      throw new IllegalArgumentException(
          field
              + ": must be a JSON pointer (RFC 6901) starting with \"/\", at most "
              + MAX_LENGTH
              + " characters, with ~ only in ~0 or ~1 (was "
              + VerifierConfig.quoted(pointer)
              + ")");
    }
  }

  private static boolean isValid(String pointer) {
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~'
          && (i + 1 == pointer.length()
              || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
        return false;
      }
    }
    try {
      JsonPointer.compile(pointer);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
