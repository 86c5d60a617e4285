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
    return PayloadSchema.validate(schema, Json.mapper().readTree(json));
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
