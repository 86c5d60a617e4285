package dev.errand.sdk.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.sdk.internal.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RedactingLoggerTest {

  /** The real logger's side: what reached it. */
  static final class Recording extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    final List<String> lines = new ArrayList<>();

    Recording() {
      this.name = "errand.task.test";
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      StringWriter trace = new StringWriter();
      if (t != null) {
        t.printStackTrace(new PrintWriter(trace));
      }
      lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args) + " " + trace);
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }

  @Test
  void masksValuesInMessagesArgumentsAndExceptionsWithTheirCauses() {
    Recording real = new Recording();
    RedactingLogger logger = new RedactingLogger(real, () -> Redactor.of(List.of("tok-12345")));
    logger.info("calling with {}", "tok-12345");
    logger.atWarn().addArgument("tok-12345").log("fluent {}");
    IllegalStateException failure =
        new IllegalStateException("outer tok-12345", new RuntimeException("inner tok-12345"));
    failure.addSuppressed(new RuntimeException("suppressed tok-12345"));
    logger.error("failed", failure);
    logger.trace("not enabled tok-12345");

    assertThat(real.lines).hasSize(3);
    assertThat(real.lines.get(0)).startsWith("INFO calling with [redacted]");
    assertThat(real.lines.get(1)).startsWith("WARN fluent [redacted]");
    assertThat(real.lines.get(2))
        .contains("java.lang.IllegalStateException: outer [redacted]")
        .contains("Caused by: java.lang.RuntimeException: inner [redacted]")
        .contains("Suppressed: java.lang.RuntimeException: suppressed [redacted]")
        .contains("RedactingLoggerTest.masksValuesInMessages");
    assertThat(String.join("\n", real.lines)).doesNotContain("tok-12345");
    assertThat(logger.getName()).isEqualTo("errand.task.test");
  }
}
