package dev.errand.sdk.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A small subset of JSON Schema (type, properties, required, additionalProperties, items, enum)
 * that a worker derives from a task's payload type and the server checks payloads against, so a
 * payload that could not deserialize is refused with a 400 at trigger time instead of failing later
 * on a worker.
 *
 * <p>Records become objects whose primitive components are required; collections and arrays become
 * arrays; enums become string enums; other classes accept any JSON. Thread-safe.
 */
public final class PayloadSchema {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_ERRORS = 10;

  private PayloadSchema() {}

  /** The schema of values Jackson can deserialize into {@code type}. */
  public static ObjectNode of(Type type) {
    return schema(type, new HashSet<>());
  }

  private static ObjectNode schema(Type type, Set<Type> visiting) {
    ObjectNode node = F.objectNode();
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return node.put("type", "array").set("items", schema(args[0], visiting));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return node.put("type", "object").set("additionalProperties", schema(args[1], visiting));
      }
      return schema(raw, visiting);
    }
    if (type instanceof GenericArrayType g) {
      return node.put("type", "array").set("items", schema(g.getGenericComponentType(), visiting));
    }
    if (!(type instanceof Class<?> c)) {
      return node; // type variables, wildcards: anything
    }
    if (c == String.class) {
      return node.put("type", "string");
    }
    if (c == char.class || c == Character.class) {
      return node.put("type", "string").put("minLength", 1).put("maxLength", 1);
    }
    if (c == UUID.class) {
      return node.put("type", "string").put("format", "uuid");
    }
    if (Temporal.class.isAssignableFrom(c) || c == java.time.Duration.class) {
      return node.put("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return node.put("type", "boolean");
    }
    if (c == int.class || c == Integer.class) {
      return integer(node, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (c == long.class || c == Long.class) {
      return integer(node, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (c == short.class || c == Short.class) {
      return integer(node, Short.MIN_VALUE, Short.MAX_VALUE);
    }
    if (c == byte.class || c == Byte.class) {
      return integer(node, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }
    if (c == BigInteger.class) {
      return node.put("type", "integer");
    }
    if (c == double.class || c == Double.class) {
      return node.put("type", "number")
          .put("maximum", Double.MAX_VALUE)
          .put("minimum", -Double.MAX_VALUE);
    }
    if (c == float.class || c == Float.class) {
      return node.put("type", "number")
          .put("maximum", (double) Float.MAX_VALUE)
          .put("minimum", (double) -Float.MAX_VALUE);
    }
    if (c == BigDecimal.class) {
      return node.put("type", "number");
    }
    if (c.isEnum()) {
      ArrayNode values = node.put("type", "string").putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return node;
    }
    if (c.isArray()) {
      return node.put("type", "array").set("items", schema(c.getComponentType(), visiting));
    }
    if (c.isRecord() && visiting.add(c)) {
      try {
        return recordSchema(c, visiting);
      } finally {
        visiting.remove(c);
      }
    }
    return node; // POJOs, JsonNode, Object, recursive records: anything
  }

  private static ObjectNode integer(ObjectNode node, long min, long max) {
    return node.put("type", "integer").put("minimum", min).put("maximum", max);
  }

  private static ObjectNode recordSchema(Class<?> c, Set<Type> visiting) {
    ObjectNode node = F.objectNode().put("type", "object");
    ObjectNode props = node.putObject("properties");
    ArrayNode required = F.arrayNode();
    for (RecordComponent rc : c.getRecordComponents()) {
      String name = rc.getName();
      JsonProperty renamed = rc.getAccessor().getAnnotation(JsonProperty.class);
      if (renamed == null) {
        renamed = rc.getAnnotation(JsonProperty.class);
      }
      if (renamed != null && !renamed.value().isEmpty()) {
        name = renamed.value();
      }
      props.set(name, schema(rc.getGenericType(), visiting));
      if (rc.getType().isPrimitive()) {
        required.add(name);
      }
    }
    if (!required.isEmpty()) {
      node.set("required", required);
    }
    JsonIgnoreProperties ignore = c.getAnnotation(JsonIgnoreProperties.class);
    node.put("additionalProperties", ignore != null && ignore.ignoreUnknown());
    return node;
  }

  /**
   * Checks {@code value} against {@code schema}.
   *
   * @return the problems, each naming the JSON path, at most {@value #MAX_ERRORS}; empty if valid
   */
  public static List<String> validate(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    if ((value == null || value.isNull()) && schema != null && schema.has("type")) {
      errors.add("$: a payload is required");
      return errors;
    }
    check(schema, value, "$", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (errors.size() >= MAX_ERRORS || schema == null || !schema.has("type")) {
      return;
    }
    if (value == null || value.isNull()) {
      return; // nulls are allowed except for required (primitive) properties, checked by parent
    }
    String type = schema.get("type").asText();
    if (!hasType(value, type)) {
      errors.add(path + ": expected " + type + ", got " + describe(value));
      return;
    }
    switch (type) {
      case "string" -> {
        checkEnum(schema, value, path, errors);
        checkString(schema, value, path, errors);
      }
      case "integer", "number" -> checkRange(schema, value, path, errors);
      case "array" -> {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
      case "object" -> checkObject(schema, value, path, errors);
      default -> {}
    }
  }

  private static final java.util.regex.Pattern UUID_FORMAT =
      java.util.regex.Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private static void checkString(
      JsonNode schema, JsonNode value, String path, List<String> errors) {
    String text = value.asText();
    int length = text.codePointCount(0, text.length());
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      errors.add(path + ": shorter than " + schema.get("minLength").asInt() + " character(s)");
    }
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      errors.add(path + ": longer than " + schema.get("maxLength").asInt() + " character(s)");
    }
    if ("uuid".equals(schema.path("format").asText()) && !UUID_FORMAT.matcher(text).matches()) {
      errors.add(path + ": '" + abbreviate(text) + "' is not a UUID");
    }
  }

  private static void checkRange(
      JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
      errors.add(path + ": " + value + " is not a finite number");
      return;
    }
    java.math.BigDecimal v = value.decimalValue();
    JsonNode min = schema.get("minimum");
    JsonNode max = schema.get("maximum");
    if ((min != null && v.compareTo(min.decimalValue()) < 0)
        || (max != null && v.compareTo(max.decimalValue()) > 0)) {
      errors.add(
          path
              + ": "
              + abbreviate(value.toString())
              + " is out of range ["
              + min
              + ", "
              + max
              + "]");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private static void checkEnum(JsonNode schema, JsonNode value, String path, List<String> errors) {
    JsonNode allowed = schema.get("enum");
    if (allowed == null) {
      return;
    }
    for (JsonNode a : allowed) {
      if (a.asText().equals(value.asText())) {
        return;
      }
    }
    errors.add(path + ": '" + value.asText() + "' is not one of " + allowed);
  }

  private static void checkObject(
      JsonNode schema, JsonNode value, String path, List<String> errors) {
    JsonNode props = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    for (JsonNode r : schema.path("required")) {
      JsonNode v = value.get(r.asText());
      if (v == null || v.isNull()) {
        errors.add(path + "." + r.asText() + ": is required");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String childPath = path + "." + field.getKey();
      if (props != null && props.has(field.getKey())) {
        check(props.get(field.getKey()), field.getValue(), childPath, errors);
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), childPath, errors);
      } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
        errors.add(childPath + ": unknown property");
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "integer" ->
          value.isIntegralNumber()
              || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
      case "number" -> value.isNumber();
      case "array" -> value.isArray();
      case "object" -> value.isObject();
      default -> true;
    };
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
