package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A failure as stored: it crosses processes, so it keeps the exception's type name, message and
 * stack trace as text.
 *
 * @param type the exception's class name, such as {@code java.lang.IllegalStateException}
 * @param message the exception's message, may be null
 * @param stackTrace the printed stack trace, causes included
 * @param nonRetryable whether the failure forbade further attempts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunError(String type, String message, String stackTrace, boolean nonRetryable) {}
