package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.errand.sdk.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a delivery's raw body into JSON for filters, delivery ids and task payloads. Stateless and
 * thread-safe.
 */
public final class WebhookBodies {
  /** The media types {@link #parse} accepts, for messages. */
  public static final String ACCEPTED =
      "application/json, application/*+json, application/x-www-form-urlencoded";

  /**
   * Strict about what signatures make ambiguous: text after the JSON value and duplicate keys
   * (which parsers resolve differently) are refused.
   */
  private static final ObjectReader READER =
      Json.mapper()
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private WebhookBodies() {}

  /**
   * The body as JSON: parsed for {@code application/json} and any {@code +json} type; an object of
   * field to string (an array of strings for a repeated field) for {@code
   * application/x-www-form-urlencoded}; {@link NullNode} for an empty body of any type.
   *
   * @throws WebhookException 400 {@code malformed_body} when the body does not parse as its type;
   *     415 {@code unsupported_media_type} for any other media type, or none
   */
  public static JsonNode parse(WebhookRequest request) {
    byte[] body = request.body();
    if (body.length == 0) {
      return NullNode.getInstance();
    }
    String type = request.mediaType();
    if (isJson(type)) {
      return json(body);
    }
    if (type.equals("application/x-www-form-urlencoded")) {
      return FormBody.parse(body);
    }
    throw new WebhookException(
        415,
        "unsupported_media_type",
        "Content-Type "
            + (type.isEmpty() ? "is missing" : ConfigText.abbreviated(type) + " is not supported")
            + "; send one of "
            + ACCEPTED);
  }

  /** Whether {@link #parse} reads bodies of this media type (lower case, without parameters). */
  public static boolean accepts(String mediaType) {
    return isJson(mediaType) || mediaType.equals("application/x-www-form-urlencoded");
  }

  /**
   * Checks a JSON body as strictly as {@link #parse} reads it (one value, no trailing text, no
   * duplicate keys) without building its tree; other media types are parsed.
   *
   * @throws WebhookException as {@link #parse} does
   */
  public static void check(WebhookRequest request) {
    byte[] body = request.body();
    if (body.length == 0 || !isJson(request.mediaType())) {
      parse(request);
      return;
    }
    try (JsonParser parser = READER.createParser(body)) {
      if (parser.nextToken() == null) {
        return; // only whitespace: as parse, an empty body
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new WebhookException(400, "malformed_body", "the body is not valid JSON");
      }
    } catch (IOException e) {
      throw new WebhookException(400, "malformed_body", "the body is not valid JSON");
    }
  }

  /** Whether bodies of this media type (lower case, without parameters) are JSON. */
  public static boolean isJson(String type) {
    return type.equals("application/json") || (type.endsWith("+json") && type.contains("/"));
  }

  /** The body as text when it is valid UTF-8, else null (store it as base64 then). */
  public static String rawBodyText(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static JsonNode json(byte[] body) {
    try {
      JsonNode node = READER.readTree(body);
      return node == null || node.isMissingNode() ? NullNode.getInstance() : node;
    } catch (IOException e) {
      throw new WebhookException(400, "malformed_body", "the body is not valid JSON");
    }
  }
}
