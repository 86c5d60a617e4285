package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.TokenPage;
import dev.errand.sdk.WaitToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Waitpoint tokens through the Java client, on both stores. */
abstract class WaitpointClientTest extends ServerTestBase {

  @Test
  void aTokenIsCreatedOnceCompletedOnceAndListedByStatus() {
    String key = unique("approval");
    WaitToken token =
        client.waitpoints().createToken(Duration.ofMinutes(10), key, List.of("team:ops"));
    WaitToken again = client.waitpoints().createToken(Duration.ofMinutes(10), key, null);

    assertThat(token.id()).startsWith("waitpoint_");
    assertThat(again.id()).isEqualTo(token.id());
    assertThat(token.status()).isEqualTo("WAITING");
    assertThat(token.tags()).containsExactly("team:ops");
    assertThat(token.url()).contains("/api/v1/waitpoints/tokens/" + token.id() + "/callback/");
    assertThat(token.timeoutAt()).isAfter(token.createdAt());

    WaitToken done = client.waitpoints().completeToken(token.id(), Map.of("approved", true));
    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(done.completedAt()).isNotNull();
    assertThatThrownBy(() -> client.waitpoints().completeToken(token.id(), Map.of()))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.status()).isEqualTo(409));

    TokenPage completed = client.waitpoints().listTokens("COMPLETED", 10, null);
    assertThat(completed.data()).extracting(WaitToken::id).contains(token.id());
    TokenPage waiting = client.waitpoints().listTokens("WAITING", 10, null);
    assertThat(waiting.data()).extracting(WaitToken::id).doesNotContain(token.id());
  }

  @Test
  void aTokenNobodyWaitsOnTimesOutAndCanNoLongerBeCompleted() {
    WaitToken token = client.waitpoints().createToken(Duration.ofMillis(300), null, null);

    await()
        .atMost(TIMEOUT)
        .until(() -> client.waitpoints().getToken(token.id()).status().equals("TIMED_OUT"));

    assertThatThrownBy(() -> client.waitpoints().completeToken(token.id(), "late"))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  @Test
  void anUnknownTokenIsNotFound() {
    assertThatThrownBy(() -> client.waitpoints().getToken("waitpoint_00000000000000000000000000"))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
