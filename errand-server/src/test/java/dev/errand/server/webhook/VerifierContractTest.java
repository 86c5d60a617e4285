package dev.errand.server.webhook;

import static dev.errand.server.webhook.Deliveries.flip;
import static dev.errand.server.webhook.Deliveries.hmacSha256;
import static dev.errand.server.webhook.Deliveries.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every signing verifier must do, run against each type. Subclasses describe how their
 * provider signs; the MAC is computed here with javax.crypto, independently of the production code,
 * so that a tampered part can be signed or sent on purpose.
 */
abstract class VerifierContractTest {
  static final long TIMESTAMP = 1_700_000_000L;
  static final String ID = "msg_2ZWhJ0cX7qkS0TE7rL8gXhOqJYc";
  static final byte[] BODY = utf8("{\"type\":\"invoice.paid\",\"amount\":4200,\"note\":\"café\"}");

  /** The configuration under test. */
  abstract VerifierConfig config();

  /** A current secret, as the endpoint stores it. */
  abstract String secret();

  /** Another valid secret of the type, e.g. the one being rotated out. */
  abstract String otherSecret();

  /** The HMAC key the provider derives from a secret: by default its UTF-8 bytes. */
  byte[] key(String secret) {
    return Deliveries.utf8(secret);
  }

  /** The bytes the provider signs: by default the body alone. */
  byte[] signedContent(byte[] body, String timestamp, String id) {
    return body;
  }

  /** The headers carrying {@code macs} (one, or several for schemes that allow it). */
  abstract Map<String, String> headers(List<byte[]> macs, String timestamp, String id);

  /** The header holding the signature(s). */
  abstract String signatureHeader();

  /** Whether the scheme signs a timestamp that the tolerance applies to (by default not). */
  boolean timestamped() {
    return false;
  }

  /**
   * The headers the scheme needs, each of which missing must be a 400: by default the signature.
   */
  List<String> requiredHeaders() {
    return List.of(signatureHeader());
  }

  boolean signsId() {
    return false;
  }

  final Verifier verifier = config().verifier();

  byte[] mac(String secret, byte[] body, String timestamp, String id) {
    return hmacSha256(key(secret), signedContent(body, timestamp, id));
  }

  WebhookRequest signed(byte[] body) {
    String ts = Long.toString(TIMESTAMP);
    return new WebhookRequest(
        Deliveries.headers(headers(List.of(mac(secret(), body, ts, ID)), ts, ID)), body);
  }

  Verification verify(WebhookRequest request, List<String> secrets, Instant now) {
    Verification verification = verifier.verify(request, secrets, now);
    if (verification instanceof Verification.Rejected rejected) {
      assertThat(rejected.reason())
          .as("a reason never carries a secret or a signature")
          .doesNotContain(secret())
          .doesNotContain(otherSecret());
      request.headers().all(signatureHeader()).stream()
          .filter(value -> value.length() >= 8)
          .forEach(value -> assertThat(rejected.reason()).doesNotContain(value));
      assertThat(rejected.status()).isIn(400, 401);
      assertThat(rejected.code()).isNotBlank();
    }
    return verification;
  }

  Verification verify(WebhookRequest request) {
    return verify(request, List.of(secret()), Instant.ofEpochSecond(TIMESTAMP));
  }

  static void assertRejected(Verification verification, int status, String code) {
    assertThat(verification)
        .isInstanceOfSatisfying(
            Verification.Rejected.class,
            rejected -> {
              assertThat(rejected.status()).as("status").isEqualTo(status);
              assertThat(rejected.code()).as("code").isEqualTo(code);
            });
  }

  static void assertVerified(Verification verification) {
    assertThat(verification).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void aCorrectlySignedDeliveryPasses() {
    assertVerified(verify(signed(BODY)));
    assertThat(verifier.verifies()).isTrue();
  }

  @Test
  void anEmptyBodyCanBeSigned() {
    assertVerified(verify(signed(new byte[0])));
  }

  @Test
  void everyFlippedBodyByteIsRejected() {
    WebhookRequest good = signed(BODY);
    for (int i = 0; i < BODY.length; i++) {
      WebhookRequest tampered = new WebhookRequest(good.headers(), flip(BODY, i));
      assertRejected(verify(tampered), 401, "signature_mismatch");
    }
  }

  @Test
  void aBodyWithAnExtraByteIsRejected() {
    WebhookRequest good = signed(BODY);
    byte[] longer = Arrays.copyOf(BODY, BODY.length + 1);
    longer[BODY.length] = '\n';
    assertRejected(verify(new WebhookRequest(good.headers(), longer)), 401, "signature_mismatch");
  }

  @Test
  void everyFlippedSignatureByteIsRejected() {
    String ts = Long.toString(TIMESTAMP);
    byte[] mac = mac(secret(), BODY, ts, ID);
    for (int i = 0; i < mac.length; i++) {
      WebhookRequest tampered = Deliveries.request(headers(List.of(flip(mac, i)), ts, ID), BODY);
      assertRejected(verify(tampered), 401, "signature_mismatch");
    }
  }

  @Test
  void aTruncatedSignatureIsRejected() {
    String ts = Long.toString(TIMESTAMP);
    byte[] mac = Arrays.copyOf(mac(secret(), BODY, ts, ID), 31);
    Verification verification = verify(Deliveries.request(headers(List.of(mac), ts, ID), BODY));
    assertRejected(verification, 401, "signature_mismatch");
  }

  @Test
  void aFlippedKeyByteIsRejected() {
    String ts = Long.toString(TIMESTAMP);
    byte[] key = key(secret());
    for (int i : new int[] {0, key.length / 2, key.length - 1}) {
      byte[] mac = hmacSha256(flip(key, i), signedContent(BODY, ts, ID));
      WebhookRequest request = Deliveries.request(headers(List.of(mac), ts, ID), BODY);
      assertRejected(verify(request), 401, "signature_mismatch");
    }
  }

  @Test
  void aFlippedIdIsRejected() {
    if (!signsId()) {
      return;
    }
    String ts = Long.toString(TIMESTAMP);
    byte[] mac = mac(secret(), BODY, ts, ID);
    for (int i = 0; i < ID.length(); i++) {
      WebhookRequest tampered = Deliveries.request(headers(List.of(mac), ts, flip(ID, i)), BODY);
      assertRejected(verify(tampered), 401, "signature_mismatch");
    }
  }

  @Test
  void aTimestampOtherThanTheSignedOneIsRejected() {
    if (!timestamped()) {
      return;
    }
    byte[] mac = mac(secret(), BODY, Long.toString(TIMESTAMP), ID);
    for (long sent : new long[] {TIMESTAMP + 1, TIMESTAMP - 1, TIMESTAMP + 10}) {
      WebhookRequest tampered =
          Deliveries.request(headers(List.of(mac), Long.toString(sent), ID), BODY);
      assertRejected(verify(tampered), 401, "signature_mismatch");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {-300, -299, -1, 0, 1, 299, 300})
  void aTimestampWithinTheToleranceEitherWayPasses(long skew) {
    Instant now = Instant.ofEpochSecond(TIMESTAMP + skew);
    assertVerified(verify(signed(BODY), List.of(secret()), now));
    if (Math.abs(skew) == 299) {
      Instant almost300 = now.plusMillis(skew > 0 ? 999 : -999);
      assertVerified(verify(signed(BODY), List.of(secret()), almost300));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {-86_400, -301, 301, 86_400})
  void aTimestampOutsideTheToleranceIsRejectedOnlyWhenSigned(long skew) {
    Verification verification =
        verify(signed(BODY), List.of(secret()), Instant.ofEpochSecond(TIMESTAMP + skew));
    if (timestamped()) {
      assertRejected(verification, 401, "timestamp_outside_tolerance");
    } else {
      assertVerified(verification);
    }
  }

  @Test
  void theToleranceIsExclusiveOfFractionsBeyondIt() {
    if (!timestamped()) {
      return;
    }
    Instant justOver = Instant.ofEpochSecond(TIMESTAMP + 300).plusMillis(1);
    assertRejected(
        verify(signed(BODY), List.of(secret()), justOver), 401, "timestamp_outside_tolerance");
  }

  @Test
  void duringARotationEitherSecretPasses() {
    Instant now = Instant.ofEpochSecond(TIMESTAMP);
    assertVerified(verify(signed(BODY), List.of(secret(), otherSecret()), now));
    assertVerified(verify(signed(BODY), List.of(otherSecret(), secret()), now));
    assertRejected(verify(signed(BODY), List.of(otherSecret()), now), 401, "signature_mismatch");
  }

  @Test
  void noSecretMeansNoDeliveryPasses() {
    Instant now = Instant.ofEpochSecond(TIMESTAMP);
    assertThat(verify(signed(BODY), List.of(), now)).isInstanceOf(Verification.Rejected.class);
    List<String> nulls = new ArrayList<>();
    nulls.add(null);
    assertThat(verify(signed(BODY), nulls, now)).isInstanceOf(Verification.Rejected.class);
    assertThat(verify(signed(BODY), null, now)).isInstanceOf(Verification.Rejected.class);
  }

  @Test
  void aMissingRequiredHeaderIsMalformed() {
    WebhookRequest good = signed(BODY);
    for (String name : requiredHeaders()) {
      Map<String, List<String>> without = new LinkedHashMap<>(good.headers().asMap());
      without.keySet().removeIf(name::equalsIgnoreCase);
      WebhookRequest request = new WebhookRequest(Headers.of(without), BODY);
      assertRejected(verify(request), 400, "missing_header");
    }
  }

  @Test
  void anyRequiredHeaderOf16KibIsMalformed() {
    WebhookRequest good = signed(BODY);
    for (String name : requiredHeaders()) {
      Map<String, String> huge = single(good.headers());
      huge.put(name, huge.get(name) + "0".repeat(16 * 1024));
      assertRejected(verify(Deliveries.request(huge, BODY)), 400, "malformed_header");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "123abc",
        "abc",
        "-1",
        "1.5",
        "1e9",
        "99999999999999999999999",
        "===",
        "v1,",
        "v1,!!!",
        "t=",
        "t=,v1=",
        "sha256=",
        "sha256=zz",
        "v0=",
        "v0=abc",
        ",,,,",
        "v1,@@@@ v2,#### v1a,xyz",
        "t=1700000000,v1=0",
        "\u00e9\u0000\u2603",
        "%00",
      })
  void hostileValuesInAnyRequiredHeaderAreRejectedWithoutThrowing(String hostile) {
    WebhookRequest good = signed(BODY);
    for (String name : requiredHeaders()) {
      Map<String, String> headers = single(good.headers());
      headers.put(name, hostile);
      Verification verification = verify(Deliveries.request(headers, BODY));
      assertThat(verification).as(name + ": " + hostile).isInstanceOf(Verification.Rejected.class);
    }
  }

  @Test
  void aHugeHostileBodyIsJustAMismatch() {
    WebhookRequest good = signed(BODY);
    byte[] huge = new byte[1 << 20];
    Arrays.fill(huge, (byte) 0xff);
    assertRejected(verify(new WebhookRequest(good.headers(), huge)), 401, "signature_mismatch");
  }

  @Test
  void hostileSecretsNeverThrow() {
    Instant now = Instant.ofEpochSecond(TIMESTAMP);
    for (String secret : List.of("", " ", "whsec_", "whsec_!!!", "x".repeat(5000))) {
      assertThat(verifier.verify(signed(BODY), List.of(secret), now))
          .isInstanceOf(Verification.Rejected.class);
    }
  }

  @Test
  void headerNamesMatchIgnoringCase() {
    Map<String, String> upper = new LinkedHashMap<>();
    single(signed(BODY).headers()).forEach((name, value) -> upper.put(name.toUpperCase(), value));
    assertVerified(verify(Deliveries.request(upper, BODY)));
  }

  @Test
  void theSignatureHeaderIsReportedForMasking() {
    assertThat(verifier.signatureHeaders()).isEqualTo(Set.of(signatureHeader().toLowerCase()));
  }

  static Map<String, String> single(Headers headers) {
    Map<String, String> values = new LinkedHashMap<>();
    headers.asMap().forEach((name, all) -> values.put(name, all.getFirst()));
    return values;
  }
}
