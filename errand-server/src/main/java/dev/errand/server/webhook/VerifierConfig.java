package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How an endpoint verifies its deliveries, without the secret (which is stored and rotated apart
 * from this). Immutable and thread-safe; validates itself on construction.
 *
 * <p>JSON shape: {@code {"type": "stripe", "toleranceSeconds": 300}}, and for {@code hmac-sha256}
 * also {@code "header"} (required), {@code "prefix"}, {@code "encoding"} and {@code
 * "timestampHeader"}. A {@code "secret"} field may sit in the same object; it is ignored here.
 *
 * @param type one of {@link #TYPES}
 * @param tolerance the accepted clock skew, either direction, for types whose deliveries carry a
 *     timestamp; {@link #DEFAULT_TOLERANCE} when null, and must be the default for other types
 * @param header {@code hmac-sha256} only, required: the signature header
 * @param prefix {@code hmac-sha256} only, optional: text before the signature, e.g. {@code sha256=}
 * @param encoding {@code hmac-sha256} only: {@code hex} (the default when null) or {@code base64}
 * @param timestampHeader {@code hmac-sha256} only, optional: a header of unix seconds; when set the
 *     signed content is {@code {timestamp}.{body}} and the tolerance applies
 */
public record VerifierConfig(
    String type,
    Duration tolerance,
    String header,
    String prefix,
    String encoding,
    String timestampHeader) {

  /** The verifier types, as written in JSON. */
  public static final List<String> TYPES =
      List.of("standard-webhooks", "stripe", "github", "slack", "shopify", "hmac-sha256", "none");

  /** 300 s, the tolerance Standard Webhooks, Stripe and Slack document. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  /** 1 s. */
  public static final Duration MIN_TOLERANCE = Duration.ofSeconds(1);

  /** 1 day. */
  public static final Duration MAX_TOLERANCE = Duration.ofDays(1);

  /** The encoding of {@code hmac-sha256} signatures when none is given. */
  public static final String DEFAULT_ENCODING = "hex";

  /** The longest secret accepted, in characters. */
  public static final int MAX_SECRET_LENGTH = 1024;

  private static final Set<String> TIMESTAMPED = Set.of("standard-webhooks", "stripe", "slack");
  private static final int MAX_PREFIX_LENGTH = 64;

  public VerifierConfig {
    if (type == null || !TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "type: must be one of " + String.join(", ", TYPES) + " (was " + quoted(type) + ")");
    }
    boolean generic = type.equals("hmac-sha256");
    if (generic) {
      header = ConfigText.headerName("header", header);
      prefix = optionalPrefix(prefix);
      encoding = encoding == null ? DEFAULT_ENCODING : encoding;
      if (!encoding.equals("hex") && !encoding.equals("base64")) {
        throw new IllegalArgumentException(
            "encoding: must be hex or base64 (was " + quoted(encoding) + ")");
      }
      timestampHeader =
          timestampHeader == null
              ? null
              : ConfigText.headerName("timestampHeader", timestampHeader);
    } else {
      refuseOption(type, "header", header);
      refuseOption(type, "prefix", prefix);
      refuseOption(type, "encoding", encoding);
      refuseOption(type, "timestampHeader", timestampHeader);
    }
    boolean timestamped = timestamped(type, timestampHeader);
    if (tolerance == null) {
      tolerance = DEFAULT_TOLERANCE;
    } else if (!timestamped && !tolerance.equals(DEFAULT_TOLERANCE)) {
      throw new IllegalArgumentException(
          "toleranceSeconds: "
              + type
              + " deliveries carry no timestamp"
              + (generic ? " unless timestampHeader is set" : "")
              + ", so no tolerance applies (was "
              + seconds(tolerance)
              + ")");
    } else if (tolerance.compareTo(MIN_TOLERANCE) < 0
        || tolerance.compareTo(MAX_TOLERANCE) > 0
        || tolerance.toNanosPart() != 0) {
      throw new IllegalArgumentException(
          "toleranceSeconds: must be whole seconds from 1 to 86400 (was "
              + seconds(tolerance)
              + ")");
    }
  }

  /** A configuration of the given type with every option at its default. */
  public static VerifierConfig of(String type) {
    return new VerifierConfig(type, null, null, null, null, null);
  }

  /** Whether deliveries of this configuration carry a timestamp the tolerance applies to. */
  public boolean usesTimestamp() {
    return timestamped(type, timestampHeader);
  }

  static boolean timestamped(String type, String timestampHeader) {
    return TIMESTAMPED.contains(type) || (type.equals("hmac-sha256") && timestampHeader != null);
  }

  private static String seconds(Duration duration) {
    return duration.toNanosPart() == 0 ? Long.toString(duration.toSeconds()) : duration.toString();
  }

  /**
   * Reads a verifier object, ignoring its {@code "secret"} field.
   *
   * @throws IllegalArgumentException naming the field, the rule and the value, when anything is
   *     missing, unknown, of the wrong JSON type or out of range
   */
  public static VerifierConfig fromJson(JsonNode verifier) {
    return VerifierConfigJson.read(verifier);
  }

  /** The JSON shape {@link #fromJson} reads, without a secret; defaults are written out. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("type", type);
    if (usesTimestamp()) {
      json.put("toleranceSeconds", (int) tolerance.toSeconds());
    }
    if (header != null) {
      json.put("header", header);
    }
    if (prefix != null) {
      json.put("prefix", prefix);
    }
    if (encoding != null) {
      json.put("encoding", encoding);
    }
    if (timestampHeader != null) {
      json.put("timestampHeader", timestampHeader);
    }
    return json;
  }

  /** A new verifier for this configuration. */
  public Verifier verifier() {
    return switch (type) {
      case "standard-webhooks" -> new StandardWebhooksVerifier(tolerance);
      case "stripe" -> new StripeVerifier(tolerance);
      case "github" -> BodyHmacVerifier.github();
      case "slack" -> new SlackVerifier(tolerance);
      case "shopify" -> BodyHmacVerifier.shopify();
      case "hmac-sha256" ->
          new BodyHmacVerifier(
              header, prefix == null ? "" : prefix, encoding, timestampHeader, tolerance);
      default -> new NoVerifier();
    };
  }

  /**
   * Checks a secret for a verifier type: non-blank and at most {@link #MAX_SECRET_LENGTH}
   * characters; for {@code standard-webhooks}, {@code whsec_} (optional) then base64 of 24 to 64
   * bytes; for {@code none}, null. Messages never contain the secret.
   *
   * @throws IllegalArgumentException when the secret does not fit the type
   */
  public static void checkSecret(String type, String secret) {
    if (type == null || !TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "type: must be one of " + String.join(", ", TYPES) + " (was " + quoted(type) + ")");
    }
    if (type.equals("none")) {
      if (secret != null) {
        throw new IllegalArgumentException("secret: the none verifier takes no secret");
      }
      return;
    }
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("secret: required and non-blank for type " + type);
    }
    if (secret.length() > MAX_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "secret: at most "
              + MAX_SECRET_LENGTH
              + " characters for type "
              + type
              + " (was "
              + secret.length()
              + ")");
    }
    if (type.equals("standard-webhooks")) {
      Optional<byte[]> key = StandardWebhooksVerifier.key(secret);
      if (key.isEmpty() || key.get().length < 24 || key.get().length > 64) {
        throw new IllegalArgumentException(
            "secret: a standard-webhooks secret must be whsec_ followed by base64 of 24 to 64"
                + " bytes"
                + key.map(bytes -> " (decodes to " + bytes.length + " bytes)")
                    .orElse(" (is not valid base64)"));
      }
    }
  }

  private static String optionalPrefix(String prefix) {
    if (prefix == null) {
      return null;
    }
    if (prefix.isEmpty()
        || prefix.length() > MAX_PREFIX_LENGTH
        || !ConfigText.isVisibleAscii(prefix)) {
      throw new IllegalArgumentException(
          "prefix: must be 1 to "
              + MAX_PREFIX_LENGTH
              + " visible ASCII characters (was "
              + quoted(prefix)
              + ")");
    }
    return prefix;
  }

  private static void refuseOption(String type, String field, String value) {
    if (value != null) {
      throw new IllegalArgumentException(
          field + ": only the hmac-sha256 type takes this option, not " + type);
    }
  }

  static String quoted(String value) {
    return value == null ? "null" : "\"" + ConfigText.abbreviated(value) + "\"";
  }
}
