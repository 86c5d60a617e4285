package dev.errand.server.webhook;

import static dev.errand.server.webhook.VerifierConfigTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteFilterTest {
  private static final RouteFilter GITHUB_PUSH_TO_MAIN =
      RouteFilter.fromJson(
          json(
              "{'headers': {'X-GitHub-Event': 'push'},"
                  + " 'body': {'/ref': 'refs/heads/main', '/action': ['opened', 'reopened']}}"));

  private static final JsonNode PUSH_BODY =
      json("{'ref': 'refs/heads/main', 'action': 'reopened', 'amount': 100}");

  @Test
  void everyConditionMustHold() {
    assertThat(GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("x-github-event", "push"), PUSH_BODY))
        .isTrue();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("X-GITHUB-EVENT", "push"), PUSH_BODY))
        .isTrue();
    assertThat(
            GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("X-GitHub-Event", "issues"), PUSH_BODY))
        .isFalse();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers(), PUSH_BODY)).isFalse();
    JsonNode otherBranch = json("{'ref': 'refs/heads/dev', 'action': 'opened'}");
    assertThat(
            GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("X-GitHub-Event", "push"), otherBranch))
        .isFalse();
    JsonNode closed = json("{'ref': 'refs/heads/main', 'action': 'closed'}");
    assertThat(GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("X-GitHub-Event", "push"), closed))
        .isFalse();
  }

  @Test
  void headerValuesCompareExactlyAndAnyValueMayMatch() {
    Headers twoValues = Headers.of(Map.of("X-GitHub-Event", List.of("ping", "push")));
    assertThat(GITHUB_PUSH_TO_MAIN.matches(twoValues, PUSH_BODY)).isTrue();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(Deliveries.headers("X-GitHub-Event", "Push"), PUSH_BODY))
        .isFalse();
  }

  @Test
  void aMissingBodyFieldOrNullBodyNeverMatches() {
    Headers push = Deliveries.headers("X-GitHub-Event", "push");
    assertThat(GITHUB_PUSH_TO_MAIN.matches(push, json("{'ref': 'refs/heads/main'}"))).isFalse();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(push, null)).isFalse();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(push, NullNode.getInstance())).isFalse();
    assertThat(GITHUB_PUSH_TO_MAIN.matches(push, MissingNode.getInstance())).isFalse();
    RouteFilter headersOnly = RouteFilter.fromJson(json("{'headers': {'X-GitHub-Event': 'push'}}"));
    assertThat(headersOnly.matches(push, null)).isTrue();
  }

  @Test
  void numbersAndBooleansCompareByValue() {
    RouteFilter filter =
        RouteFilter.fromJson(json("{'body': {'/amount': '100', '/live': 'true'}}"));
    Headers none = Deliveries.headers();
    assertThat(filter.matches(none, json("{'amount': 100, 'live': true}"))).isTrue();
    assertThat(filter.matches(none, json("{'amount': 100.0, 'live': true}"))).isTrue();
    assertThat(filter.matches(none, json("{'amount': '100', 'live': 'true'}"))).isTrue();
    assertThat(filter.matches(none, json("{'amount': 101, 'live': true}"))).isFalse();
    assertThat(filter.matches(none, json("{'amount': 100, 'live': false}"))).isFalse();
    assertThat(filter.matches(none, json("{'amount': [100], 'live': true}"))).isFalse();
    assertThat(filter.matches(none, json("{'amount': {'v': 100}, 'live': true}"))).isFalse();
    assertThat(filter.matches(none, json("{'amount': null, 'live': true}"))).isFalse();
    RouteFilter notANumber = RouteFilter.fromJson(json("{'body': {'/amount': 'many'}}"));
    assertThat(notANumber.matches(none, json("{'amount': 100}"))).isFalse();
  }

  @Test
  void formBodiesAreFilteredLikeJson() {
    RouteFilter filter = RouteFilter.fromJson(json("{'body': {'/command': '/deploy'}}"));
    JsonNode form =
        WebhookBodies.parse(
            Deliveries.request(
                "command=%2Fdeploy&text=now", "Content-Type", "application/x-www-form-urlencoded"));
    assertThat(filter.matches(Deliveries.headers(), form)).isTrue();
  }

  @Test
  void noFilterMatchesEverything() {
    for (JsonNode absent :
        new JsonNode[] {null, NullNode.getInstance(), MissingNode.getInstance(), json("{}")}) {
      RouteFilter filter = RouteFilter.fromJson(absent);
      assertThat(filter).isEqualTo(RouteFilter.matchAll());
      assertThat(filter.matches(Deliveries.headers(), null)).isTrue();
    }
    assertThat(RouteFilter.matchAll().toJson()).isEqualTo(json("{}"));
  }

  @Test
  void theJsonRoundTrips() {
    JsonNode text =
        json(
            "{'headers': {'X-GitHub-Event': 'push', 'X-Two': ['a', 'b']},"
                + " 'body': {'/ref': 'refs/heads/main', '/action': ['opened', 'reopened']}}");
    RouteFilter filter = RouteFilter.fromJson(text);
    assertThat(filter.toJson()).isEqualTo(text);
    assertThat(RouteFilter.fromJson(filter.toJson())).isEqualTo(filter);
    assertThat(filter.body()).containsEntry("/action", List.of("opened", "reopened"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ['push']                                      | filter: must be a JSON object (was array)
          {'header': {}}                                | filter: unknown field "header"
          {'headers': []}                               | filter.headers: must be a JSON object (was array)
          {'headers': {'X-Event': 5}}                   | filter.headers.X-Event: must be a string or a non-empty array of strings (was number 5)
          {'headers': {'X-Event': []}}                  | filter.headers.X-Event: must be a string or a non-empty array of strings (was array [])
          {'headers': {'X-Event': ['a', 1]}}            | filter.headers.X-Event: every element must be a string (found number)
          {'headers': {'X-Event': null}}                | filter.headers.X-Event: must be a string or a non-empty array of strings (was null null)
          {'headers': {'X Event': 'a'}}                 | filter.headers: must be a header name
          {'headers': {'X-A': 'a', 'x-a': 'b'}}         | filter.headers: "x-a" is listed twice (names ignore case)
          {'body': {'ref': 'main'}}                     | filter.body: must be a JSON pointer (RFC 6901) starting with "/", at most 512 characters, with ~ only in ~0 or ~1 (was "ref")
          {'body': {'/ref': {'eq': 'main'}}}            | filter.body./ref: must be a string or a non-empty array of strings (was object {"eq":"main"})
          """)
  void badFiltersAreRefusedNamingTheField(String text, String message) {
    assertThatThrownBy(() -> RouteFilter.fromJson(json(text)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message.replace('\'', '"'));
  }

  @Test
  void atMost32Conditions() {
    Map<String, List<String>> body = new LinkedHashMap<>();
    for (int i = 0; i < 32; i++) {
      body.put("/f" + i, List.of("v"));
    }
    RouteFilter filter = new RouteFilter(Map.of(), body);
    assertThat(RouteFilter.fromJson(filter.toJson())).isEqualTo(filter);
    Map<String, List<String>> headers = Map.of("X-One", List.of("v"));
    assertThatThrownBy(() -> new RouteFilter(headers, body))
        .hasMessage("filter: at most 32 conditions (was 33)");
  }
}
