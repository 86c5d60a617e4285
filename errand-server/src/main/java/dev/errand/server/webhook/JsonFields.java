package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Strict reading of small configuration objects, with messages that name the field. */
final class JsonFields {
  private final JsonNode object;
  private final String what;

  private JsonFields(JsonNode object, String what) {
    this.object = object;
    this.what = what;
  }

  /**
   * Reads {@code node} as a JSON object of {@code what} (used in messages), refusing fields other
   * than {@code allowed}.
   */
  static JsonFields of(JsonNode node, String what, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + ": must be a JSON object (was " + kind(node) + ")");
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + ": unknown field "
              + VerifierConfig.quoted(String.join(", ", unknown))
              + "; the fields are "
              + String.join(", ", allowed.stream().sorted().toList()));
    }
    return new JsonFields(node, what);
  }

  /** A text field's value, or null when absent or JSON null. */
  String text(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + ": must be a string (was " + kind(value) + ")");
    }
    return value.textValue();
  }

  /** A whole-number field's value, or null when absent or JSON null. */
  Long whole(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException(
          field + ": must be a whole number (was " + kind(value) + " " + abbreviated(value) + ")");
    }
    return value.longValue();
  }

  /** Whether the field is present and not JSON null. */
  boolean has(String field) {
    JsonNode value = object.get(field);
    return value != null && !value.isNull();
  }

  String what() {
    return what;
  }

  /** A node's JSON type in words, for messages. */
  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  static String abbreviated(JsonNode node) {
    return ConfigText.abbreviated(node.toString());
  }
}
