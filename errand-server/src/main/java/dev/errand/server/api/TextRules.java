package dev.errand.server.api;

/** Checks on text that is stored as is (tags, keys, worker ids) or used as a filter. */
final class TextRules {
  /** Longest worker id: {@value}. */
  static final int MAX_WORKER_ID_LENGTH = 256;

  private TextRules() {}

  /** Whether {@code s} holds a control character (NUL included), which no id or tag may hold. */
  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** A query parameter as given, or a 400 when it holds a control character. */
  static String queryParam(String name, String value) {
    if (value != null && hasControl(value)) {
      throw ApiException.badRequest("invalid_query", name + " must not contain control characters");
    }
    return value;
  }

  /** A worker id: 1 to 256 characters without control characters, or a 400. */
  static String workerId(String workerId) {
    if (workerId == null
        || workerId.isBlank()
        || workerId.length() > MAX_WORKER_ID_LENGTH
        || hasControl(workerId)) {
      throw ApiException.badRequest(
          "invalid_request",
          "workerId must be 1 to "
              + MAX_WORKER_ID_LENGTH
              + " characters without control characters");
    }
    return workerId;
  }
}
