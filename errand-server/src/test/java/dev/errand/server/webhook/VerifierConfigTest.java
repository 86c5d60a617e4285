package dev.errand.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.internal.Json;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierConfigTest {
  static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static VerifierConfig read(String text) {
    return VerifierConfig.fromJson(json(text));
  }

  @Test
  void aTypeAloneTakesTheDefaults() {
    VerifierConfig stripe = read("{'type': 'stripe'}");
    assertThat(stripe).isEqualTo(VerifierConfig.of("stripe"));
    assertThat(stripe.tolerance()).isEqualTo(Duration.ofSeconds(300));
    assertThat(stripe.header()).isNull();
    assertThat(stripe.encoding()).isNull();
    assertThat(stripe.usesTimestamp()).isTrue();
    assertThat(VerifierConfig.of("github").usesTimestamp()).isFalse();
  }

  @Test
  void theSecretFieldIsIgnored() {
    VerifierConfig config = read("{'type': 'github', 'secret': 'hunter2'}");
    assertThat(config).isEqualTo(VerifierConfig.of("github"));
    assertThat(config.toJson().has("secret")).isFalse();
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void aToleranceIsRead() {
    assertThat(read("{'type': 'slack', 'toleranceSeconds': 1}").tolerance())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(read("{'type': 'standard-webhooks', 'toleranceSeconds': 86400}").tolerance())
        .isEqualTo(Duration.ofDays(1));
  }

  @Test
  void theGenericTypeReadsItsOptions() {
    VerifierConfig config =
        read(
            "{'type': 'hmac-sha256', 'header': 'X-Signature', 'prefix': 'sha256=',"
                + " 'encoding': 'base64', 'timestampHeader': 'X-Timestamp', 'toleranceSeconds': 60}");
    assertThat(config)
        .isEqualTo(
            new VerifierConfig(
                "hmac-sha256",
                Duration.ofSeconds(60),
                "X-Signature",
                "sha256=",
                "base64",
                "X-Timestamp"));
    VerifierConfig minimal = read("{'type': 'hmac-sha256', 'header': 'X-Signature'}");
    assertThat(minimal.encoding()).isEqualTo("hex");
    assertThat(minimal.prefix()).isNull();
    assertThat(minimal.usesTimestamp()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'type': 'standard-webhooks', 'toleranceSeconds': 120}",
        "{'type': 'stripe', 'toleranceSeconds': 300}",
        "{'type': 'github'}",
        "{'type': 'slack', 'toleranceSeconds': 300}",
        "{'type': 'shopify'}",
        "{'type': 'none'}",
        "{'type': 'hmac-sha256', 'header': 'X-Sig', 'encoding': 'hex'}",
        "{'type': 'hmac-sha256', 'header': 'X-Sig', 'prefix': 'v1=', 'encoding': 'base64',"
            + " 'timestampHeader': 'X-Ts', 'toleranceSeconds': 30}",
      })
  void theJsonRoundTrips(String text) {
    VerifierConfig config = read(text);
    assertThat(VerifierConfig.fromJson(config.toJson())).isEqualTo(config);
    assertThat(config.toJson()).isEqualTo(json(text));
  }

  @Test
  void defaultsAreWrittenOut() {
    assertThat(VerifierConfig.of("stripe").toJson())
        .isEqualTo(json("{'type': 'stripe', 'toleranceSeconds': 300}"));
    assertThat(VerifierConfig.of("github").toJson()).isEqualTo(json("{'type': 'github'}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          []                                                 | verifier: must be a JSON object
          {}                                                 | type: required, one of standard-webhooks, stripe, github, slack, shopify, hmac-sha256, none
          {'type': 'Stripe'}                                 | type: must be one of standard-webhooks, stripe, github, slack, shopify, hmac-sha256, none (was "Stripe")
          {'type': 7}                                        | type: must be a string (was number)
          {'type': 'stripe', 'tolerance': 5}                 | verifier: unknown field "tolerance"
          {'type': 'stripe', 'toleranceSeconds': 0}          | toleranceSeconds: must be whole seconds from 1 to 86400 (was 0)
          {'type': 'stripe', 'toleranceSeconds': 86401}      | toleranceSeconds: must be whole seconds from 1 to 86400 (was 86401)
          {'type': 'stripe', 'toleranceSeconds': -5}         | toleranceSeconds: must be whole seconds from 1 to 86400 (was -5)
          {'type': 'stripe', 'toleranceSeconds': 1.5}        | toleranceSeconds: must be a whole number (was number 1.5)
          {'type': 'stripe', 'toleranceSeconds': '300'}      | toleranceSeconds: must be a whole number (was string "300")
          {'type': 'github', 'toleranceSeconds': 300}        | toleranceSeconds: github deliveries carry no timestamp
          {'type': 'hmac-sha256', 'header': 'X', 'toleranceSeconds': 300} | toleranceSeconds: hmac-sha256 deliveries carry no timestamp unless timestampHeader is set
          {'type': 'github', 'header': 'X-Sig'}              | header: only the hmac-sha256 type takes this option, not github
          {'type': 'stripe', 'prefix': 'v1='}                | prefix: only the hmac-sha256 type takes this option, not stripe
          {'type': 'none', 'encoding': 'hex'}                | encoding: only the hmac-sha256 type takes this option, not none
          {'type': 'slack', 'timestampHeader': 'X-T'}        | timestampHeader: only the hmac-sha256 type takes this option, not slack
          {'type': 'hmac-sha256'}                            | header: required for type hmac-sha256
          {'type': 'hmac-sha256', 'header': ''}              | header: must be a header name
          {'type': 'hmac-sha256', 'header': 'X', 'encoding': 'HEX'}    | encoding: must be hex or base64 (was "HEX")
          {'type': 'hmac-sha256', 'header': 'X', 'prefix': ''}         | prefix: must be 1 to 64 visible ASCII characters (was "")
          {'type': 'hmac-sha256', 'header': 'X', 'prefix': 'a b'}      | prefix: must be 1 to 64 visible ASCII characters (was "a b")
          {'type': 'hmac-sha256', 'header': 'X', 'timestampHeader': 'a:b'} | timestampHeader: must be a header name
          """)
  void badConfigurationsAreRefusedNamingTheFieldAndValue(String text, String message) {
    assertThatThrownBy(() -> read(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message.replace('\'', '"'));
  }

  @Test
  void aBadHeaderNameIsQuotedWithTheRule() {
    assertThatThrownBy(() -> read("{'type': 'hmac-sha256', 'header': 'X Sig'}"))
        .hasMessage(
            "header: must be a header name of 1 to 256 letters, digits or !#$%&'*+-.^_`|~"
                + " (was \"X Sig\")");
  }

  @Test
  void theConstructorValidatesToo() {
    assertThatThrownBy(
            () -> new VerifierConfig("stripe", Duration.ofMillis(1500), null, null, null, null))
        .hasMessageStartingWith(
            "toleranceSeconds: must be whole seconds from 1 to 86400 (was PT1.5S)");
    assertThatThrownBy(
            () -> new VerifierConfig("github", Duration.ofSeconds(10), null, null, null, null))
        .hasMessageStartingWith("toleranceSeconds: github deliveries carry no timestamp");
    assertThatThrownBy(() -> VerifierConfig.of(null)).hasMessageContaining("(was null)");
    assertThatThrownBy(() -> VerifierConfig.of("hmac-sha256")).hasMessageStartingWith("header:");
  }

  @Test
  void aHugeValueIsAbbreviatedInTheMessage() {
    String huge = "x".repeat(10_000);
    assertThatThrownBy(() -> VerifierConfig.of(huge))
        .hasMessageContaining("(10000 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void secretsAreCheckedPerType() {
    String bytes32 = Base64.getEncoder().encodeToString(new byte[32]);
    assertThatCode(() -> VerifierConfig.checkSecret("standard-webhooks", "whsec_" + bytes32))
        .doesNotThrowAnyException();
    assertThatCode(() -> VerifierConfig.checkSecret("standard-webhooks", bytes32))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                VerifierConfig.checkSecret(
                    "standard-webhooks", StandardWebhooksVerifierTest.SPEC_SECRET))
        .doesNotThrowAnyException();
    assertThatCode(() -> VerifierConfig.checkSecret("stripe", "whsec_anything"))
        .doesNotThrowAnyException();
    assertThatCode(() -> VerifierConfig.checkSecret("github", "x".repeat(1024)))
        .doesNotThrowAnyException();
    assertThatCode(() -> VerifierConfig.checkSecret("none", null)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          github            | NULL                                 | secret: required and non-blank for type github
          slack             | '   '                                | secret: required and non-blank for type slack
          none              | s3cr3t-value                         | secret: the none verifier takes no secret
          standard-webhooks | whsec_!!!notbase64!!!                | secret: a standard-webhooks secret must be whsec_ followed by base64 of 24 to 64 bytes (is not valid base64)
          standard-webhooks | whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | secret: a standard-webhooks secret must be whsec_ followed by base64 of 24 to 64 bytes (decodes to 22 bytes)
          standard-webhooks | whsec_                               | secret: a standard-webhooks secret must be whsec_ followed by base64 of 24 to 64 bytes (is not valid base64)
          nonsense          | s3cr3t-value                         | type: must be one of
          """)
  void badSecretsAreRefusedWithoutRepeatingThem(String type, String secret, String message) {
    assertThatThrownBy(() -> VerifierConfig.checkSecret(type, secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .satisfies(
            e -> {
              if (secret != null && secret.strip().length() > "whsec_".length()) {
                assertThat(e.getMessage()).doesNotContain(secret);
              }
            });
  }

  @Test
  void secretLengthIsBounded() {
    String tooLong = "s".repeat(1025);
    assertThatThrownBy(() -> VerifierConfig.checkSecret("shopify", tooLong))
        .hasMessage("secret: at most 1024 characters for type shopify (was 1025)");
    String tooManyBytes = "whsec_" + Base64.getEncoder().encodeToString(new byte[65]);
    assertThatThrownBy(() -> VerifierConfig.checkSecret("standard-webhooks", tooManyBytes))
        .hasMessageEndingWith("(decodes to 65 bytes)");
  }
}
