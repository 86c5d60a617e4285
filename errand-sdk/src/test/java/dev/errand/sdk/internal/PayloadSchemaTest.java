package dev.errand.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadSchemaTest {
  enum Tier {
    FREE,
    PRO
  }

  record Item(String sku, int quantity) {}

  record Order(
      String orderId,
      long amountCents,
      Tier tier,
      List<Item> items,
      Map<String, Double> rates,
      boolean gift) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Lenient(String a) {}

  record Node(String name, Node next) {}

  private static List<String> check(Class<?> type, String json) throws Exception {
    JsonNode schema = PayloadSchema.of(type);
    return PayloadSchema.validate(
        schema,
        Json.mapper()
            .reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readTree(json));
  }

  @Test
  void acceptsWhatJacksonWouldRead() throws Exception {
    assertThat(
            check(
                Order.class,
                """
        {"orderId":"o1","amountCents":12,"tier":"PRO","items":[{"sku":"a","quantity":2}],
         "rates":{"x":1.5},"gift":false}"""))
        .isEmpty();
    assertThat(check(Order.class, "{\"orderId\":null,\"amountCents\":1,\"gift\":true}")).isEmpty();
    assertThat(check(Lenient.class, "{\"a\":\"x\",\"b\":1}")).isEmpty();
    assertThat(check(Node.class, "{\"name\":\"a\",\"next\":{\"name\":\"b\"}}")).isEmpty();
  }

  record Typed(java.util.UUID id, int quantity, byte small, char letter, Double ratio) {}

  @Test
  void checksRangesFormatsAndPresence() throws Exception {
    assertThat(
            check(
                Typed.class,
                "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"quantity\":2147483647,"
                    + "\"small\":-128,\"letter\":\"x\",\"ratio\":1e300}"))
        .isEmpty();
    assertThat(
            check(
                Typed.class,
                "{\"id\":\"not-a-uuid\",\"quantity\":3000000000,\"small\":128,"
                    + "\"letter\":\"xy\",\"ratio\":1e400}"))
        .containsExactlyInAnyOrder(
            "$.id: 'not-a-uuid' is not a UUID",
            "$.quantity: 3000000000 is out of range [-2147483648, 2147483647]",
            "$.small: 128 is out of range [-128, 127]",
            "$.letter: longer than 1 character(s)",
            "$.ratio: 1E+400 is not a finite number");
    assertThat(PayloadSchema.validate(PayloadSchema.of(Typed.class), null))
        .containsExactly("$: a payload is required");
    assertThat(PayloadSchema.validate(PayloadSchema.of(Object.class), null)).isEmpty();
  }

  @Test
  void namesEachProblemByPath() throws Exception {
    assertThat(
            check(
                Order.class,
                """
        {"orderId":5,"amountCents":"x","tier":"GOLD","items":[{"sku":"a","quantity":1.5}],"gift":true,"z":1}"""))
        .containsExactlyInAnyOrder(
            "$.orderId: expected string, got number",
            "$.amountCents: expected integer, got string",
            "$.tier: 'GOLD' is not one of [\"FREE\",\"PRO\"]",
            "$.items[0].quantity: expected integer, got number",
            "$.z: unknown property");
    assertThat(check(Order.class, "{\"orderId\":\"o\"}"))
        .containsExactlyInAnyOrder("$.amountCents: is required", "$.gift: is required");
    assertThat(check(Order.class, "[1]")).containsExactly("$: expected object, got array");
  }
}
