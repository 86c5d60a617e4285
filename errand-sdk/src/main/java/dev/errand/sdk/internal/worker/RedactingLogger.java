package dev.errand.sdk.internal.worker;

import dev.errand.sdk.internal.Redactor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The logger a task gets from {@code ctx.logger()}: formats each message, masks every secret value
 * of the environment in it and in the exception (message and stack trace, causes included), then
 * hands the result to the real logger. Thread-safe.
 */
final class RedactingLogger extends AbstractLogger {
  private static final long serialVersionUID = 1L;

  private final transient Logger delegate;
  private final transient Supplier<Redactor> redactor;

  RedactingLogger(Logger delegate, Supplier<Redactor> redactor) {
    this.delegate = delegate;
    this.redactor = redactor;
    this.name = delegate.getName();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return RedactingLogger.class.getName();
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    Redactor r = redactor.get();
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    LoggingEventBuilder event = delegate.atLevel(level);
    if (marker != null) {
      event = event.addMarker(marker);
    }
    if (throwable != null) {
      event = event.setCause(r.isEmpty() ? throwable : RedactedThrowable.of(throwable, r));
    }
    event.log(r.redact(message));
  }

  @Override
  public boolean isTraceEnabled() {
    return delegate.isTraceEnabled();
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return delegate.isTraceEnabled(marker);
  }

  @Override
  public boolean isDebugEnabled() {
    return delegate.isDebugEnabled();
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return delegate.isDebugEnabled(marker);
  }

  @Override
  public boolean isInfoEnabled() {
    return delegate.isInfoEnabled();
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return delegate.isInfoEnabled(marker);
  }

  @Override
  public boolean isWarnEnabled() {
    return delegate.isWarnEnabled();
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return delegate.isWarnEnabled(marker);
  }

  @Override
  public boolean isErrorEnabled() {
    return delegate.isErrorEnabled();
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return delegate.isErrorEnabled(marker);
  }

  /**
   * A stand-in for a logged exception with its messages redacted: it prints as the original would
   * (type, message, the original stack trace, causes and suppressed ones), minus the secrets.
   */
  static final class RedactedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 16;
    private final String text;

    private RedactedThrowable(String text) {
      super(text);
      this.text = text;
    }

    static RedactedThrowable of(Throwable t, Redactor r) {
      return of(t, r, 0);
    }

    private static RedactedThrowable of(Throwable t, Redactor r, int depth) {
      String message = t.getMessage();
      RedactedThrowable copy =
          new RedactedThrowable(
              t.getClass().getName() + (message == null ? "" : ": " + r.redact(message)));
      copy.setStackTrace(t.getStackTrace());
      if (depth < MAX_DEPTH) {
        if (t.getCause() != null && t.getCause() != t) {
          copy.initCause(of(t.getCause(), r, depth + 1));
        }
        for (Throwable s : t.getSuppressed()) {
          copy.addSuppressed(of(s, r, depth + 1));
        }
      }
      return copy;
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
