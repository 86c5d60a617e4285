package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One HMAC-SHA256 signature in one header, keyed with the secret's UTF-8 bytes, over the body or,
 * when a timestamp header is configured, over {@code {timestamp}.{body}}. GitHub, Shopify and the
 * generic {@code hmac-sha256} type are all this shape with different headers, prefixes and
 * encodings.
 */
final class BodyHmacVerifier implements Verifier {
  private final String header;
  private final String prefix;
  private final String encoding;
  private final String timestampHeader;
  private final Duration tolerance;

  /**
   * @param header the signature header
   * @param prefix text before the encoded signature ("" for none), matched ignoring case
   * @param encoding {@code hex} or {@code base64}
   * @param timestampHeader the header holding unix seconds, or null when only the body is signed
   * @param tolerance the accepted clock skew when there is a timestamp
   */
  BodyHmacVerifier(
      String header, String prefix, String encoding, String timestampHeader, Duration tolerance) {
    this.header = header;
    this.prefix = prefix;
    this.encoding = encoding;
    this.timestampHeader = timestampHeader;
    this.tolerance = tolerance;
  }

  static BodyHmacVerifier github() {
    return new BodyHmacVerifier("X-Hub-Signature-256", "sha256=", "hex", null, null);
  }

  static BodyHmacVerifier shopify() {
    return new BodyHmacVerifier("X-Shopify-Hmac-Sha256", "", "base64", null, null);
  }

  @Override
  public Verification verify(WebhookRequest request, List<String> secrets, Instant now) {
    Headers headers = request.headers();
    Optional<Verification> problem =
        timestampHeader == null
            ? SignedHeaders.problem(headers, header)
            : SignedHeaders.problem(headers, timestampHeader, header);
    if (problem.isPresent()) {
      return problem.get();
    }
    byte[] signed = new byte[0];
    if (timestampHeader != null) {
      String timestamp = SignedHeaders.value(headers, timestampHeader);
      problem = SignedHeaders.timestampProblem(timestampHeader, timestamp, now, tolerance);
      if (problem.isPresent()) {
        return problem.get();
      }
      signed = Hmac.utf8(timestamp + ".");
    }
    Optional<byte[]> candidate = candidate(SignedHeaders.value(headers, header));
    if (candidate.isEmpty()) {
      return Verification.malformed(
          "malformed_header", "the " + header + " header is not " + shape());
    }
    List<byte[]> keys = Hmac.utf8Keys(secrets);
    if (keys.isEmpty()) {
      return SignedHeaders.noSecret();
    }
    boolean matched = Hmac.anyMatches(keys, List.of(candidate.get()), signed, request.body());
    return matched ? Verification.verified() : SignedHeaders.mismatch(header);
  }

  private Optional<byte[]> candidate(String value) {
    if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.empty();
    }
    Function<String, Optional<byte[]>> decoder =
        encoding.equals("base64") ? SignatureEncoding::base64 : SignatureEncoding::hex;
    return decoder.apply(value.substring(prefix.length()));
  }

  private String shape() {
    String digits = encoding.equals("base64") ? "base64" : "hex digits";
    return prefix.isEmpty() ? digits : prefix + " followed by " + digits;
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of(header.toLowerCase(Locale.ROOT));
  }
}
