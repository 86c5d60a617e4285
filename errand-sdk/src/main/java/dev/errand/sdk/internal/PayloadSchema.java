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
    if (c == String.class || c == char.class || c == Character.class || c == UUID.class) {
      return node.put("type", "string");
    }
    if (Temporal.class.isAssignableFrom(c) || c == java.time.Duration.class) {
      return node.put("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return node.put("type", "boolean");
    }
    if (c == int.class || c == long.class || c == short.class || c == byte.class) {
      return node.put("type", "integer");
    }
    if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class) {
      return node.put("type", "integer");
    }
    if (c == BigInteger.class) {
      return node.put("type", "integer");
    }
    if (c == double.class || c == float.class || c == Double.class || c == Float.class) {
      return node.put("type", "number");
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
      case "string" -> checkEnum(schema, value, path, errors);
      case "array" -> {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
      case "object" -> checkObject(schema, value, path, errors);
      default -> {}
    }
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
