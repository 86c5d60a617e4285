package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which deliveries a route takes: every header condition (name compared ignoring case; any of the
 * header's values) and every body condition (a JSON pointer) must equal one of its accepted
 * strings. Body numbers compare by value ({@code "100"} matches {@code 100} and {@code 100.0}),
 * booleans by their text. A filter with no conditions matches everything. Immutable and
 * thread-safe.
 *
 * <p>JSON shape: {@code {"headers": {"X-GitHub-Event": "push"}, "body": {"/action": ["opened",
 * "reopened"]}}}.
 *
 * @param headers header name to accepted values
 * @param body JSON pointer to accepted values
 */
public record RouteFilter(Map<String, List<String>> headers, Map<String, List<String>> body) {
  /** The most conditions (headers plus body fields) one filter may have. */
  public static final int MAX_CONDITIONS = 32;

  /** The most accepted values one condition may list. */
  public static final int MAX_VALUES = 64;

  private static final RouteFilter MATCH_ALL = new RouteFilter(Map.of(), Map.of());

  public RouteFilter {
    headers = copy(headers, true);
    body = copy(body, false);
    if (headers.size() + body.size() > MAX_CONDITIONS) {
      throw new IllegalArgumentException(
          "filter: at most "
              + MAX_CONDITIONS
              + " conditions (was "
              + (headers.size() + body.size())
              + ")");
    }
  }

  /** The filter with no conditions. */
  public static RouteFilter matchAll() {
    return MATCH_ALL;
  }

  /**
   * Reads a filter; null, JSON null and a missing node give {@link #matchAll()}.
   *
   * @throws IllegalArgumentException naming the field and the rule on any malformed condition
   */
  public static RouteFilter fromJson(JsonNode json) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      return MATCH_ALL;
    }
    JsonFields.of(json, "filter", Set.of("headers", "body"));
    return new RouteFilter(
        conditions(json.get("headers"), "filter.headers"),
        conditions(json.get("body"), "filter.body"));
  }

  /** The JSON shape {@link #fromJson} reads; a condition with one value is written as a string. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    if (!headers.isEmpty()) {
      json.set("headers", write(headers));
    }
    if (!body.isEmpty()) {
      json.set("body", write(body));
    }
    return json;
  }

  /** Whether the delivery meets every condition; a null body meets no body condition. */
  public boolean matches(Headers requestHeaders, JsonNode parsedBody) {
    for (Map.Entry<String, List<String>> condition : headers.entrySet()) {
      if (requestHeaders.all(condition.getKey()).stream()
          .noneMatch(condition.getValue()::contains)) {
        return false;
      }
    }
    for (Map.Entry<String, List<String>> condition : body.entrySet()) {
      JsonNode value =
          parsedBody == null ? null : parsedBody.at(JsonPointer.compile(condition.getKey()));
      if (value == null || condition.getValue().stream().noneMatch(text -> equal(value, text))) {
        return false;
      }
    }
    return true;
  }

  private static boolean equal(JsonNode value, String accepted) {
    if (value.isTextual()) {
      return value.textValue().equals(accepted);
    }
    if (value.isBoolean()) {
      return value.asText().equals(accepted);
    }
    if (value.isNumber()) {
      try {
        return value.decimalValue().compareTo(new BigDecimal(accepted)) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  private static Map<String, List<String>> copy(
      Map<String, List<String>> conditions, boolean headers) {
    if (conditions == null || conditions.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> copy =
        headers ? new TreeMap<>(String.CASE_INSENSITIVE_ORDER) : new LinkedHashMap<>();
    String section = headers ? "filter.headers" : "filter.body";
    conditions.forEach(
        (key, values) -> {
          if (headers) {
            ConfigText.headerName(section, key);
          } else {
            Pointers.check(section, key);
          }
          if (copy.containsKey(key)) {
            throw new IllegalArgumentException(
                section
                    + ": "
                    + VerifierConfig.quoted(key)
                    + " is listed twice (names ignore case)");
          }
          if (values == null
              || values.isEmpty()
              || values.size() > MAX_VALUES
              || values.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(
                section + "." + key + ": must be a string or 1 to " + MAX_VALUES + " strings");
          }
          copy.put(key, List.copyOf(values));
        });
    return Collections.unmodifiableMap(copy);
  }

  private static Map<String, List<String>> conditions(JsonNode section, String name) {
    if (section == null || section.isNull()) {
      return Map.of();
    }
    if (!section.isObject()) {
      throw new IllegalArgumentException(
          name + ": must be a JSON object (was " + JsonFields.kind(section) + ")");
    }
    Map<String, List<String>> conditions = new LinkedHashMap<>();
    section
        .properties()
        .forEach(
            field ->
                conditions.put(
                    field.getKey(), values(name + "." + field.getKey(), field.getValue())));
    return conditions;
  }

  private static List<String> values(String name, JsonNode node) {
    if (node.isTextual()) {
      return List.of(node.textValue());
    }
    if (node.isArray() && !node.isEmpty()) {
      ArrayList<String> values = new ArrayList<>();
      for (JsonNode element : node) {
        if (!element.isTextual()) {
          throw new IllegalArgumentException(
              name + ": every element must be a string (found " + JsonFields.kind(element) + ")");
        }
        values.add(element.textValue());
      }
      return values;
    }
    throw new IllegalArgumentException(
        name
            + ": must be a string or a non-empty array of strings (was "
            + JsonFields.kind(node)
            + " "
            + JsonFields.abbreviated(node)
            + ")");
  }

  private static ObjectNode write(Map<String, List<String>> conditions) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    conditions.forEach(
        (key, values) -> {
          if (values.size() == 1) {
            json.put(key, values.getFirst());
          } else {
            ArrayNode array = json.putArray(key);
            values.forEach(array::add);
          }
        });
    return json;
  }
}
