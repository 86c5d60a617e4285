package dev.errand.server.webhook;

import static dev.errand.server.webhook.VerifierConfigTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookBodiesTest {
  private static JsonNode parse(String body, String contentType) {
    return WebhookBodies.parse(Deliveries.request(body, "Content-Type", contentType));
  }

  private static JsonNode form(String body) {
    return parse(body, "application/x-www-form-urlencoded");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.github+json",
        "application/cloudevents+json",
        "application/problem+json ; charset=UTF-8"
      })
  void jsonTypesAreParsed(String contentType) {
    assertThat(parse("{\"a\": [1, \"two\"]}", contentType)).isEqualTo(json("{'a': [1, 'two']}"));
  }

  @Test
  void anyJsonValueIsAccepted() {
    assertThat(parse("[1,2]", "application/json")).isEqualTo(json("[1,2]"));
    assertThat(parse("\"text\"", "application/json")).isEqualTo(json("\"text\""));
    assertThat(parse(" 42 \n", "application/json")).isEqualTo(json("42"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"a\":}",
        "nope",
        "{\"a\":1} trailing",
        "{\"a\":1}{\"b\":2}",
        "{\"a\":1,\"a\":2}"
      })
  void malformedJsonIsA400(String body) {
    assertThatThrownBy(() -> parse(body, "application/json"))
        .isInstanceOfSatisfying(
            WebhookException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("malformed_body");
              assertThat(e.getMessage()).isEqualTo("the body is not valid JSON");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"a\":}",
        "nope",
        "{\"a\":1} trailing",
        "{\"a\":1}{\"b\":2}",
        "{\"a\":1,\"a\":2}",
        "{\"x\":{\"a\":1,\"a\":2}}",
        "[1,2"
      })
  void checkingWithoutATreeRefusesWhatParsingRefuses(String body) {
    assertThatThrownBy(
            () -> WebhookBodies.check(Deliveries.request(body, "Content-Type", "application/json")))
        .isInstanceOfSatisfying(
            WebhookException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("malformed_body");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":[1,{\"b\":null}]}", "[1,2]", "\"text\"", " 42 \n", "", "   "})
  void checkingWithoutATreeAcceptsWhatParsingAccepts(String body) {
    WebhookBodies.check(Deliveries.request(body, "Content-Type", "application/json"));
    assertThatThrownBy(
            () -> WebhookBodies.check(Deliveries.request("{}", "Content-Type", "text/plain")))
        .isInstanceOfSatisfying(WebhookException.class, e -> assertThat(e.status()).isEqualTo(415));
  }

  @Test
  void deeplyNestedJsonIsA400NotACrash() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> parse(deep, "application/json"))
        .isInstanceOfSatisfying(WebhookException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void anEmptyBodyIsNullWhateverTheType() {
    for (String type :
        List.of("application/json", "application/x-www-form-urlencoded", "text/plain")) {
      assertThat(WebhookBodies.parse(Deliveries.request("", "Content-Type", type)))
          .isEqualTo(NullNode.getInstance());
    }
    assertThat(WebhookBodies.parse(Deliveries.request(""))).isEqualTo(NullNode.getInstance());
    assertThat(parse("  \n", "application/json")).isEqualTo(NullNode.getInstance());
  }

  @Test
  void formFieldsBecomeStrings() {
    assertThat(form("a=1&b=hello+world&c=%2Fslash%20x&d=&e&caf%C3%A9=%E2%98%83"))
        .isEqualTo(
            json("{'a': '1', 'b': 'hello world', 'c': '/slash x', 'd': '', 'e': '', 'café': '☃'}"));
    assertThat(form("&&a=1&")).isEqualTo(json("{'a': '1'}"));
    assertThat(form("a=x=y")).isEqualTo(json("{'a': 'x=y'}"));
  }

  @Test
  void repeatedFormFieldsBecomeArrays() {
    assertThat(form("tag=a&x=1&tag=b&tag=c")).isEqualTo(json("{'tag': ['a', 'b', 'c'], 'x': '1'}"));
  }

  @Test
  void slacksPayloadFieldStaysAString() {
    JsonNode body = form("payload=%7B%22type%22%3A%22block_actions%22%7D");
    assertThat(body.get("payload").isTextual()).isTrue();
    assertThat(body.get("payload").textValue()).isEqualTo("{\"type\":\"block_actions\"}");
  }

  @Test
  void slacksDocumentedBodyParses() {
    JsonNode body = form(SlackVerifierTest.DOC_BODY);
    assertThat(body.get("command").textValue()).isEqualTo("/webhook-collect");
    assertThat(body.get("text").textValue()).isEmpty();
    assertThat(body.get("response_url").textValue())
        .isEqualTo(
            "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%", "a=%2", "a=%zz", "a=%2G", "%=1", "a=%C3%28", "a=%FF"})
  void badPercentEncodingIsA400(String body) {
    assertThatThrownBy(() -> form(body))
        .isInstanceOfSatisfying(
            WebhookException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("malformed_body");
              assertThat(e.getMessage()).startsWith("the form body is malformed: ");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "+json",
        "json"
      })
  void otherTypesAreA415NamingTheAcceptedOnes(String contentType) {
    assertThatThrownBy(() -> parse("{}", contentType))
        .isInstanceOfSatisfying(
            WebhookException.class,
            e -> {
              assertThat(e.status()).isEqualTo(415);
              assertThat(e.code()).isEqualTo("unsupported_media_type");
              assertThat(e.getMessage())
                  .contains("application/json")
                  .contains("application/x-www-form-urlencoded");
            });
  }

  @Test
  void aMissingContentTypeIsA415() {
    assertThatThrownBy(() -> WebhookBodies.parse(Deliveries.request("{}")))
        .isInstanceOfSatisfying(
            WebhookException.class,
            e -> {
              assertThat(e.status()).isEqualTo(415);
              assertThat(e.getMessage()).startsWith("Content-Type is missing");
            });
  }

  @Test
  void rawTextIsReturnedOnlyForValidUtf8() {
    assertThat(WebhookBodies.rawBodyText("café ☃".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("café ☃");
    assertThat(WebhookBodies.rawBodyText(new byte[0])).isEmpty();
    assertThat(WebhookBodies.rawBodyText(new byte[] {(byte) 0xff, 'a'})).isNull();
    assertThat(WebhookBodies.rawBodyText(new byte[] {(byte) 0xc3})).isNull();
    assertThat(WebhookBodies.rawBodyText("café".getBytes(StandardCharsets.ISO_8859_1))).isNull();
  }
}
