package dev.errand.server.api;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.Store.Environment;
import io.javalin.http.Context;
import java.io.IOException;

/** Reading request bodies and the authenticated environment. */
final class Bodies {
  private static final ObjectMapper MAPPER = Json.mapper();

  /** Numbers keep their exact decimal value, so range checks and the stored text are exact. */
  private static final com.fasterxml.jackson.databind.ObjectReader TREE_READER =
      MAPPER
          .reader()
          .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Bodies() {}

  static JsonNode tree(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiException.badRequest("invalid_json", "the request body is empty; send JSON");
    }
    try {
      return TREE_READER.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("invalid_json", "malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  static <T> T read(Context ctx, Class<T> type) {
    JavaType t = MAPPER.constructType(type);
    JsonNode tree = tree(ctx);
    if (!tree.isObject()) {
      throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
    }
    try {
      return MAPPER.readerFor(t).readValue(tree);
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_request", firstLine(e.getMessage()));
    }
  }

  static Environment environment(Context ctx) {
    return ctx.attribute(HttpApi.ENVIRONMENT);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
