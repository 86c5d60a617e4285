package dev.errand.cli.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.errand.sdk.internal.KnownSecrets;

/**
 * {@code %redactedEx} in {@code logback.xml}: the logged exception's stack trace (messages of
 * causes and suppressed ones included) with every secret value this process knows replaced by
 * {@code [redacted]}.
 */
public final class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return KnownSecrets.redactor().redact(super.convert(event));
  }
}
