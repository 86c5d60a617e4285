package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;

/** Reads {@link VerifierConfig}'s JSON shape. */
final class VerifierConfigJson {
  private static final Set<String> FIELDS =
      Set.of(
          "type", "toleranceSeconds", "header", "prefix", "encoding", "timestampHeader", "secret");

  private VerifierConfigJson() {}

  static VerifierConfig read(JsonNode node) {
    JsonFields fields = JsonFields.of(node, "verifier", FIELDS);
    String type = fields.text("type");
    if (type == null) {
      throw new IllegalArgumentException(
          "type: required, one of " + String.join(", ", VerifierConfig.TYPES));
    }
    if (!VerifierConfig.TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "type: must be one of "
              + String.join(", ", VerifierConfig.TYPES)
              + " (was "
              + VerifierConfig.quoted(type)
              + ")");
    }
    String timestampHeader = fields.text("timestampHeader");
    Long seconds = fields.whole("toleranceSeconds");
    if (seconds != null && !VerifierConfig.timestamped(type, timestampHeader)) {
      throw new IllegalArgumentException(
          "toleranceSeconds: "
              + type
              + " deliveries carry no timestamp"
              + (type.equals("hmac-sha256") ? " unless timestampHeader is set" : "")
              + ", so the option is not accepted (was "
              + seconds
              + ")");
    }
    Duration tolerance = seconds == null ? null : Duration.ofSeconds(seconds);
    if (type.equals("hmac-sha256") && !fields.has("header")) {
      throw new IllegalArgumentException(
          "header: required for type hmac-sha256 (the header carrying the signature)");
    }
    return new VerifierConfig(
        type,
        tolerance,
        fields.text("header"),
        fields.text("prefix"),
        fields.text("encoding"),
        timestampHeader);
  }
}
