package dev.errand.cli;

/** Turns failures into one-line messages for people. */
final class CliErrors {
  private CliErrors() {}

  static String describe(Throwable e) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    int depth = 0;
    while (cause != null && cause != e && depth++ < 3) {
      if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
        message.append(": ").append(cause.getMessage());
      }
      cause = cause.getCause();
    }
    return message.toString();
  }
}
