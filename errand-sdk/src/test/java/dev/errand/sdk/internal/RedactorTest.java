package dev.errand.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.RunError;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void replacesEveryOccurrenceLongestFirstAndLeavesShortValuesAlone() {
    Redactor r = Redactor.of(Arrays.asList("abcd", "abcdef", "xyz", null));
    assertThat(r.redact("abcdef and abcd and xyz")).isEqualTo("[redacted] and [redacted] and xyz");
    assertThat(r.redact((String) null)).isNull();
    assertThat(Redactor.of(List.of("1", "on")).isEmpty()).isTrue();
    assertThat(Redactor.NONE.redact("abcd")).isEqualTo("abcd");
  }

  @Test
  void findsValuesEscapedInsideJsonText() throws Exception {
    String value = "pa\"ss\\word\n";
    Redactor r = Redactor.of(List.of(value));
    String json = Json.mapper().writeValueAsString(java.util.Map.of("k", "x " + value));
    assertThat(json).doesNotContain(value);
    assertThat(r.redact(json)).isEqualTo("{\"k\":\"x [redacted]\"}");
    assertThat(r.redact("raw " + value)).isEqualTo("raw [redacted]");
  }

  @Test
  void redactsStringsAndFieldNamesOfJsonTreesAndKeepsTheRest() throws Exception {
    Redactor r = Redactor.of(List.of("s3cret-token"));
    JsonNode clean = Json.mapper().readTree("{\"a\": [1, true, \"fine\"]}");
    assertThat(r.redact(clean)).isSameAs(clean);
    JsonNode dirty =
        Json.mapper()
            .readTree(
                "{\"n\": 5, \"list\": [\"s3cret-token\", {\"s3cret-token\": \"x s3cret-token y\"}]}");
    assertThat(r.redact(dirty).toString())
        .isEqualTo("{\"n\":5,\"list\":[\"[redacted]\",{\"[redacted]\":\"x [redacted] y\"}]}");
    assertThat(dirty.toString()).contains("s3cret-token"); // the original is not changed
  }

  @Test
  void redactsEveryTextOfAnError() {
    Redactor r = Redactor.of(List.of("s3cret-token"));
    RunError e =
        r.redact(
            new RunError(
                "com.example.s3cret-token", "bad s3cret-token", "at x(s3cret-token)", true));
    assertThat(e)
        .isEqualTo(
            new RunError("com.example.[redacted]", "bad [redacted]", "at x([redacted])", true));
    assertThat(r.redact((RunError) null)).isNull();
  }

  @Test
  void knownSecretsForgetTheOldestPastTheirBound() {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < KnownSecrets.MAX_VALUES + 10; i++) {
      many.add("bounded-secret-" + i);
    }
    KnownSecrets.addAll(many);
    Redactor known = KnownSecrets.redactor();
    assertThat(known.redact("bounded-secret-" + (KnownSecrets.MAX_VALUES + 9)))
        .isEqualTo("[redacted]");
    assertThat(known.redact("x bounded-secret-0 x")).isEqualTo("x bounded-secret-0 x");
  }

  @Test
  void knownSecretsOnlyGrow() {
    KnownSecrets.addAll(List.of("known-secret-1", "ab"));
    KnownSecrets.addAll(List.of("known-secret-2"));
    assertThat(KnownSecrets.redactor().redact("known-secret-1 known-secret-2 ab"))
        .isEqualTo("[redacted] [redacted] ab");
  }
}
