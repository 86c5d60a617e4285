package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * {@code application/x-www-form-urlencoded} bodies as a JSON object of field to string, or to an
 * array of strings for a repeated field. Values stay strings: Slack's {@code payload} field holds
 * JSON and is kept as the text that was signed.
 */
final class FormBody {
  private FormBody() {}

  static ObjectNode parse(byte[] body) {
    ObjectNode form = JsonNodeFactory.instance.objectNode();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '&') {
        if (i > start) {
          field(form, body, start, i);
        }
        start = i + 1;
      }
    }
    return form;
  }

  private static void field(ObjectNode form, byte[] body, int start, int end) {
    int equals = start;
    while (equals < end && body[equals] != '=') {
      equals++;
    }
    String name = decode(body, start, equals);
    String value = equals < end ? decode(body, equals + 1, end) : "";
    JsonNode existing = form.get(name);
    if (existing == null) {
      form.put(name, value);
    } else if (existing.isArray()) {
      ((ArrayNode) existing).add(value);
    } else {
      form.putArray(name).add(existing.textValue()).add(value);
    }
  }

  /** Percent-decoding with {@code +} as space, then strict UTF-8. */
  private static String decode(byte[] body, int start, int end) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (b == '+') {
        bytes.write(' ');
      } else if (b == '%') {
        if (i + 2 >= end
            || !HexFormat.isHexDigit(body[i + 1])
            || !HexFormat.isHexDigit(body[i + 2])) {
          throw malformed("a % is not followed by two hex digits");
        }
        bytes.write(HexFormat.fromHexDigit(body[i + 1]) << 4 | HexFormat.fromHexDigit(body[i + 2]));
        i += 2;
      } else {
        bytes.write(b);
      }
    }
    String text = WebhookBodies.rawBodyText(bytes.toByteArray());
    if (text == null) {
      throw malformed("a field is not valid UTF-8 once percent-decoded");
    }
    return text;
  }

  private static WebhookException malformed(String why) {
    return new WebhookException(400, "malformed_body", "the form body is malformed: " + why);
  }
}
