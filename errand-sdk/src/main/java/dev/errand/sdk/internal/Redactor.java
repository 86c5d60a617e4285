package dev.errand.sdk.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.RunError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces every known secret value in text with {@value #MASK}: as it is, and as it appears inside
 * a JSON string (escaped), so that a value is caught in a message, a stack trace, a log line or
 * JSON text alike. Values shorter than {@value #MIN_LENGTH} characters are not redacted: masking
 * every {@code "1"} or {@code "on"} in every output would destroy it and protect nothing (such a
 * value is guessed in a few tries anyway). Immutable and thread-safe.
 */
public final class Redactor {

  /** What a secret value is replaced with: {@value}. */
  public static final String MASK = "[redacted]";

  /** The shortest value that is redacted: {@value} characters. */
  public static final int MIN_LENGTH = 4;

  /** Redacts nothing. */
  public static final Redactor NONE = new Redactor(List.of());

  /** Longest first, so that a value containing another is replaced whole. */
  private final List<String> needles;

  private Redactor(List<String> needles) {
    this.needles = needles;
  }

  /** A redactor of {@code values} (nulls and values shorter than {@link #MIN_LENGTH} ignored). */
  public static Redactor of(Collection<String> values) {
    Set<String> needles = new LinkedHashSet<>();
    for (String value : values) {
      if (value == null || value.length() < MIN_LENGTH) {
        continue;
      }
      needles.add(value);
      String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(value));
      if (!escaped.equals(value)) {
        needles.add(escaped);
      }
    }
    if (needles.isEmpty()) {
      return NONE;
    }
    List<String> sorted = new ArrayList<>(needles);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(sorted));
  }

  /** Whether this redactor knows no value. */
  public boolean isEmpty() {
    return needles.isEmpty();
  }

  /** {@code text} with every known value replaced; null stays null. */
  public String redact(String text) {
    if (text == null || needles.isEmpty()) {
      return text;
    }
    String result = text;
    for (String needle : needles) {
      if (result.contains(needle)) {
        result = result.replace(needle, MASK);
      }
    }
    return result;
  }

  /** An error with its type, message and stack trace redacted. */
  public RunError redact(RunError error) {
    if (error == null || needles.isEmpty()) {
      return error;
    }
    return new RunError(
        redact(error.type()),
        redact(error.message()),
        redact(error.stackTrace()),
        error.nonRetryable());
  }

  /**
   * {@code node} with every string value and field name redacted: the node itself when nothing
   * changes, else a copy.
   */
  public JsonNode redact(JsonNode node) {
    if (node == null || needles.isEmpty() || !contains(node)) {
      return node;
    }
    return copy(node);
  }

  private boolean contains(JsonNode node) {
    if (node.isTextual()) {
      return !redact(node.textValue()).equals(node.textValue());
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!redact(field.getKey()).equals(field.getKey()) || contains(field.getValue())) {
          return true;
        }
      }
      return false;
    }
    if (node.isArray()) {
      for (JsonNode item : node) {
        if (contains(item)) {
          return true;
        }
      }
    }
    return false;
  }

  private JsonNode copy(JsonNode node) {
    if (node.isTextual()) {
      return JsonNodeFactory.instance.textNode(redact(node.textValue()));
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(f -> out.set(redact(f.getKey()), copy(f.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> out.add(copy(item)));
      return out;
    }
    return node;
  }
}
