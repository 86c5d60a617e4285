package dev.errand.server.webhook;

import static dev.errand.server.webhook.VerifierConfigTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryIdSourceTest {
  @Test
  void eachProviderHasItsDefault() {
    assertThat(DeliveryIdSource.defaultFor("standard-webhooks"))
        .contains(DeliveryIdSource.ofHeader("webhook-id"));
    assertThat(DeliveryIdSource.defaultFor("github"))
        .contains(DeliveryIdSource.ofHeader("X-GitHub-Delivery"));
    assertThat(DeliveryIdSource.defaultFor("stripe"))
        .contains(DeliveryIdSource.ofJsonPointer("/id"));
    assertThat(DeliveryIdSource.defaultFor("slack"))
        .contains(DeliveryIdSource.ofJsonPointer("/event_id"));
    assertThat(DeliveryIdSource.defaultFor("shopify"))
        .contains(DeliveryIdSource.ofHeader("X-Shopify-Webhook-Id"));
    assertThat(DeliveryIdSource.defaultFor("hmac-sha256")).isEmpty();
    assertThat(DeliveryIdSource.defaultFor("none")).isEmpty();
    assertThat(DeliveryIdSource.defaultFor(null)).isEmpty();
  }

  @Test
  void theJsonRoundTrips() {
    for (String text : List.of("{'header': 'X-Request-Id'}", "{'jsonPointer': '/data/id'}")) {
      DeliveryIdSource source = DeliveryIdSource.fromJson(json(text));
      assertThat(source.toJson()).isEqualTo(json(text));
      assertThat(DeliveryIdSource.fromJson(source.toJson())).isEqualTo(source);
    }
    assertThat(DeliveryIdSource.fromJson(json("{'header': 'X-Request-Id'}")).header())
        .isEqualTo("X-Request-Id");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {}                                            | deliveryId: exactly one of header or jsonPointer is required (was neither)
          {'header': 'A', 'jsonPointer': '/a'}          | deliveryId: exactly one of header or jsonPointer is required (was both)
          {'jsonPointer': 'data/id'}                    | jsonPointer: must be a JSON pointer (RFC 6901) starting with "/"
          {'jsonPointer': '/a~2b'}                      | jsonPointer: must be a JSON pointer
          {'jsonPointer': 5}                            | jsonPointer: must be a string (was number)
          {'header': 'X Id'}                            | header: must be a header name
          {'header': 'X-Id', 'from': 'body'}            | deliveryId: unknown field "from"
          ['X-Id']                                      | deliveryId: must be a JSON object (was array)
          """)
  void badSourcesAreRefused(String text, String message) {
    assertThatThrownBy(() -> DeliveryIdSource.fromJson(json(text)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message.replace('\'', '"'));
  }

  @Test
  void aHeaderGivesItsFirstValueIgnoringNameCase() {
    Headers headers = Headers.of(Map.of("x-github-delivery", List.of("72d3162e", "second")));
    assertThat(DeliveryIdSource.ofHeader("X-GitHub-Delivery").extract(headers, null))
        .contains("72d3162e");
    assertThat(DeliveryIdSource.ofHeader("X-Other").extract(headers, null)).isEmpty();
  }

  @Test
  void aPointerGivesTextNumbersAndBooleans() {
    var body =
        json(
            "{'id': 'evt_1', 'n': 42, 'big': 12345678901234567890, 'f': 1.5, 'yes': true,"
                + " 'nested': {'a/b': {'c': 'deep'}}, 'list': ['x'], 'obj': {}, 'nil': null,"
                + " 'blank': '  ', 'arr': [{'id': 'first'}]}");
    Headers none = Headers.of(Map.of());
    assertThat(extract("/id", body)).contains("evt_1");
    assertThat(extract("/n", body)).contains("42");
    assertThat(extract("/big", body)).contains("12345678901234567890");
    assertThat(extract("/f", body)).contains("1.5");
    assertThat(extract("/yes", body)).contains("true");
    assertThat(extract("/nested/a~1b/c", body)).contains("deep");
    assertThat(extract("/arr/0/id", body)).contains("first");
    for (String empty : List.of("/list", "/obj", "/nil", "/blank", "/missing", "/id/deeper")) {
      assertThat(extract(empty, body)).as(empty).isEmpty();
    }
    assertThat(DeliveryIdSource.ofJsonPointer("/id").extract(none, null)).isEmpty();
    assertThat(DeliveryIdSource.ofJsonPointer("/id").extract(none, json("null"))).isEmpty();
    assertThat(DeliveryIdSource.ofJsonPointer("/id").extract(none, json("[1]"))).isEmpty();
  }

  @Test
  void aBlankHeaderIsNoId() {
    Headers headers = Deliveries.headers("webhook-id", "   ");
    assertThat(DeliveryIdSource.ofHeader("webhook-id").extract(headers, null)).isEmpty();
  }

  @Test
  void aLongIdIsReplacedByItsSha256() throws Exception {
    String limit = "a".repeat(256);
    String longer = "a".repeat(257);
    assertThat(extract("/id", json("{'id': '" + limit + "'}"))).contains(limit);
    String expected =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Deliveries.utf8(longer)));
    assertThat(extract("/id", json("{'id': '" + longer + "'}"))).contains(expected);
    assertThat(expected).hasSize(64);
    Headers headers = Deliveries.headers("X-Id", longer);
    assertThat(DeliveryIdSource.ofHeader("X-Id").extract(headers, null)).contains(expected);
  }

  private static java.util.Optional<String> extract(
      String pointer, com.fasterxml.jackson.databind.JsonNode body) {
    return DeliveryIdSource.ofJsonPointer(pointer).extract(Headers.of(Map.of()), body);
  }
}
