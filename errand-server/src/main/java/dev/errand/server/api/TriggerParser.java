package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.engine.RunEngine;
import dev.errand.server.engine.TriggerRequest;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads trigger and batch bodies: {@code {"payload": ..., "options": {...}}}. */
final class TriggerParser {
  private static final Set<String> OPTIONS =
      Set.of(
          "idempotencyKey",
          "idempotencyKeyTTL",
          "tags",
          "delay",
          "maxAttempts",
          "maxDuration",
          "ttl",
          "debounce",
          "priority",
          "concurrencyKey",
          "metadata");
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d|w)");

  /** Longest delay a trigger may ask for: 365 days. */
  static final Duration MAX_DELAY = Duration.ofDays(365);

  static final int MAX_IDEMPOTENCY_KEY_LENGTH = 256;

  /** Longest concurrency key: {@value} characters. */
  static final int MAX_CONCURRENCY_KEY_LENGTH = 128;

  private TriggerParser() {}

  static TriggerRequest single(JsonNode body) {
    requireObject(body, "request body");
    return item(body, "");
  }

  static List<TriggerRequest> batch(JsonNode body) {
    requireObject(body, "request body");
    JsonNode items = body.get("items");
    if (items == null || !items.isArray()) {
      throw ApiException.badRequest("invalid_request", "items must be an array");
    }
    if (items.isEmpty()) {
      throw ApiException.badRequest("invalid_request", "items must not be empty");
    }
    if (items.size() > RunEngine.MAX_BATCH_SIZE) {
      throw ApiException.badRequest(
          "batch_too_large",
          "a batch holds at most " + RunEngine.MAX_BATCH_SIZE + " items, got " + items.size());
    }
    List<TriggerRequest> requests = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      requireObject(items.get(i), "items[" + i + "]");
      requests.add(item(items.get(i), "items[" + i + "]."));
    }
    return requests;
  }

  private static final Set<String> FIELDS = Set.of("payload", "options");

  private static TriggerRequest item(JsonNode node, String at) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.badRequest(
            "invalid_request", at + name + " is not a field; a trigger has " + FIELDS);
      }
    }
    JsonNode options = node.get("options");
    if (options == null || options.isNull()) {
      return TriggerRequest.of(node.get("payload"));
    }
    requireObject(options, at + "options");
    for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!OPTIONS.contains(name)) {
        throw ApiException.badRequest(
            "invalid_options", at + "options." + name + " is not an option; known: " + OPTIONS);
      }
    }
    return new TriggerRequest(
        node.get("payload"),
        idempotencyKey(options.get("idempotencyKey"), at),
        tags(options.get("tags"), at),
        delay(options.get("delay"), at),
        maxAttempts(options.get("maxAttempts"), at),
        maxDuration(options.get("maxDuration"), at),
        positiveDuration(options.get("idempotencyKeyTTL"), at, "idempotencyKeyTTL"),
        positiveDuration(options.get("ttl"), at, "ttl"),
        debounce(options.get("debounce"), at),
        priority(options.get("priority"), at),
        concurrencyKey(options.get("concurrencyKey"), at),
        metadata(options.get("metadata"), at));
  }

  /** A JSON object, or null for none; its size is checked by the engine against its limit. */
  private static JsonNode metadata(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.metadata must be a JSON object, was "
              + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return n;
  }

  private static String concurrencyKey(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()
        || n.asText().isEmpty()
        || n.asText().length() > MAX_CONCURRENCY_KEY_LENGTH
        || TextRules.hasControl(n.asText())) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.concurrencyKey must be a string of 1 to "
              + MAX_CONCURRENCY_KEY_LENGTH
              + " characters without control characters");
    }
    return n.asText();
  }

  /**
   * Seconds, as Trigger.dev takes them (a whole or decimal number), or a duration ({@code "10s"},
   * {@code "PT10S"}), from 0 to 365 days.
   */
  private static Duration priority(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    Duration d =
        n.isNumber()
            ? Duration.ofMillis(Math.round(n.asDouble() * 1000))
            : n.isTextual() ? parseDuration(n.asText().trim()) : null;
    if (d == null || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.priority must be a number of seconds (or a duration) from 0 to "
              + MAX_DELAY.toSeconds()
              + " s; was "
              + n);
    }
    return d;
  }

  /** {@code {"key": "...", "delay": "5s", "maxDelay": "1m"}}; maxDelay optional. */
  private static TriggerRequest.Debounce debounce(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject() || !n.path("key").isTextual()) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.debounce must be {\"key\": \"...\", \"delay\": \"5s\", \"maxDelay\": \"1m\"}");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!Set.of("key", "delay", "maxDelay").contains(name)) {
        throw ApiException.badRequest(
            "invalid_options", at + "options.debounce." + name + " is not a field");
      }
    }
    return new TriggerRequest.Debounce(
        n.get("key").asText(),
        positiveDuration(n.get("delay"), at, "debounce.delay"),
        positiveDuration(n.get("maxDelay"), at, "debounce.maxDelay"));
  }

  /** A maximum attempt duration: like a delay, but positive. */
  private static Duration maxDuration(JsonNode n, String at) {
    return positiveDuration(n, at, "maxDuration");
  }

  /** A positive duration of at most 365 days: {@code "30s"}, {@code "5m"}, {@code "PT10S"}. */
  private static Duration positiveDuration(JsonNode n, String at, String name) {
    if (n == null || n.isNull()) {
      return null;
    }
    Duration d = n.isTextual() ? parseDuration(n.asText().trim()) : null;
    if (d == null || !d.isPositive() || d.compareTo(MAX_DELAY) > 0) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options."
              + name
              + " must be a positive duration such as \"30s\", \"5m\" or"
              + " \"PT10S\", at most 365 days; was "
              + n);
    }
    return d;
  }

  private static String idempotencyKey(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()
        || n.asText().isEmpty()
        || n.asText().length() > MAX_IDEMPOTENCY_KEY_LENGTH
        || TextRules.hasControl(n.asText())) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.idempotencyKey must be a string of 1 to "
              + MAX_IDEMPOTENCY_KEY_LENGTH
              + " characters without control characters");
    }
    return n.asText();
  }

  private static List<String> tags(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    List<String> tags = new ArrayList<>();
    if (n.isTextual()) {
      tags.add(n.asText());
    } else if (n.isArray()) {
      for (JsonNode t : n) {
        if (!t.isTextual()) {
          throw ApiException.badRequest("invalid_options", at + "options.tags must be strings");
        }
        tags.add(t.asText());
      }
    } else {
      throw ApiException.badRequest(
          "invalid_options", at + "options.tags must be a string or an array of strings");
    }
    if (tags.size() > TriggerOptions.MAX_TAGS) {
      throw ApiException.badRequest(
          "invalid_options",
          at + "options.tags holds at most " + TriggerOptions.MAX_TAGS + ", got " + tags.size());
    }
    for (String t : tags) {
      if (t.isEmpty() || t.length() > TriggerOptions.MAX_TAG_LENGTH || TextRules.hasControl(t)) {
        throw ApiException.badRequest(
            "invalid_options",
            at
                + "options.tags: each tag is 1 to "
                + TriggerOptions.MAX_TAG_LENGTH
                + " characters without control characters");
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(tags));
  }

  private static Integer maxAttempts(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.canConvertToInt()
        || !n.isIntegralNumber()
        || n.asInt() < 1
        || n.asInt() > RetryPolicy.MAX_ATTEMPTS_LIMIT) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.maxAttempts must be an integer from 1 to "
              + RetryPolicy.MAX_ATTEMPTS_LIMIT);
    }
    return n.asInt();
  }

  /**
   * A delay: {@code "500ms"}, {@code "10s"}, {@code "5m"}, {@code "2h"}, {@code "1d"}, or ISO-8601.
   */
  static Duration delay(JsonNode n, String at) {
    if (n == null || n.isNull()) {
      return null;
    }
    Duration d = n.isTextual() ? parseDurationOrInstant(n.asText().trim()) : null;
    if (d == null || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
      throw ApiException.badRequest(
          "invalid_options",
          at
              + "options.delay must be a duration such as \"30s\", \"5m\", \"2h\" or \"PT10S\","
              + " or an ISO-8601 instant, "
              + "at most 365 days; was "
              + n);
    }
    return d;
  }

  /**
   * A duration, or an ISO-8601 instant turned into the time from now until then (zero for one in
   * the past: due at once).
   */
  static Duration parseDurationOrInstant(String s) {
    Duration d = parseDuration(s);
    if (d != null) {
      return d;
    }
    try {
      Duration until = Duration.between(java.time.Instant.now(), java.time.Instant.parse(s));
      return until.isNegative() ? Duration.ZERO : until;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Duration parseDuration(String s) {
    Matcher m = SHORT_DURATION.matcher(s);
    if (m.matches()) {
      long v = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(v);
        case "s" -> Duration.ofSeconds(v);
        case "m" -> Duration.ofMinutes(v);
        case "h" -> Duration.ofHours(v);
        case "d" -> Duration.ofDays(v);
        default -> Duration.ofDays(7 * v);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void requireObject(JsonNode n, String what) {
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("invalid_request", what + " must be a JSON object");
    }
  }
}
