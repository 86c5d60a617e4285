package dev.errand.cli.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.errand.sdk.internal.KnownSecrets;

/**
 * {@code %redactedMsg} in {@code logback.xml}: the formatted message with every secret value this
 * process knows ({@link KnownSecrets}) replaced by {@code [redacted]}. The last line of defence:
 * the server and the worker already keep values out of what they log.
 */
public final class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return KnownSecrets.redactor().redact(super.convert(event));
  }
}
