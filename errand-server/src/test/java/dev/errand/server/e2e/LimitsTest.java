package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.server.api.ApiLimits;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.engine.Dispatcher;
import dev.errand.server.engine.RunLimits;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's per-key rate limit (429 with Retry-After, which the SDK waits out), the request body
 * limit (413), and the payload and output size limits, on a server with small limits.
 */
abstract class LimitsTest extends ServerTestBase {
  static final int RATE = 5;
  static final int MAX_REQUEST = 8 * 1024;
  static final int MAX_PAYLOAD = 2 * 1024;
  static final int MAX_OUTPUT = 2 * 1024;

  @Override
  ApiLimits apiLimits() {
    return new ApiLimits(RATE, RATE, MAX_REQUEST);
  }

  @Override
  RunLimits runLimits() {
    return new RunLimits(MAX_PAYLOAD, MAX_OUTPUT);
  }

  static final Task<Key, String> BIG_OUTPUT =
      Task.define("big-output", Key.class, String.class)
          .run((key, ctx) -> "x".repeat(MAX_OUTPUT + 1));

  static final Task<Key, String> BIG_STEP =
      Task.define("big-step", Key.class, String.class)
          .run(
              (key, ctx) -> {
                String big = ctx.step("big", String.class, () -> "y".repeat(MAX_OUTPUT + 1));
                return big.substring(0, 1);
              });

  static final Task<Key, String> ECHO =
      Task.define("echo-limits", Key.class, String.class).run((key, ctx) -> key.key());

  @Test
  void aKeyOverItsRateGets429WithRetryAfterAndAnotherKeyIsNotAffected() throws Exception {
    for (int i = 0; i < RATE; i++) {
      HttpResponse<String> ok = get("/api/v1/runs", secretKey);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("RateLimit-Limit")).hasValue(Integer.toString(RATE));
    }
    HttpResponse<String> refused = get("/api/v1/runs", secretKey);
    expectError(refused, 429, "rate_limited");
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isBetween(1L, 2L));
    assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");

    String other = SecretKeys.generate("test");
    server.bootstrap("default", "test", other);
    assertThat(get("/api/v1/runs", other).statusCode()).isEqualTo(200);
    // unknown keys are refused before any bucket is made for them
    expectError(get("/api/v1/runs", "sk_test_nope"), 401, "unauthorized");
  }

  @Test
  void anAddressThatFailsToAuthenticateTooOftenIsSlowedDown() throws Exception {
    // a burst of 100 failures, refilled at 10 a second: guesses soon meet 429 instead of 401
    int unauthorized = 0;
    HttpResponse<String> answer = get("/api/v1/runs", "ek_test_guess");
    while (answer.statusCode() == 401 && unauthorized < 1_000) {
      unauthorized++;
      answer = get("/api/v1/runs", "ek_test_guess" + unauthorized);
    }
    expectError(answer, 429, "rate_limited");
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(unauthorized).isBetween(100, 999);
    // the address gets its tries back at 10 a second, and a good key works again
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> get("/api/v1/runs", secretKey).statusCode() == 200);
  }

  @Test
  void theSdkWaitsOutA429AndTheWorkerProtocolIsNotRateLimited() throws Exception {
    startWorker(ECHO);
    // far more requests than the budget: the client's calls wait for Retry-After and all succeed;
    // the worker's claims and results meanwhile are not counted
    for (int i = 0; i < 3 * RATE; i++) {
      var handle = client.trigger(ECHO, new Key("k" + i));
      assertThat(handle.id()).isNotBlank();
    }
    Run<?> last =
        client.runs().list(RunQuery.ALL.withTaskIdentifier("echo-limits")).data().getFirst();
    assertThat(last.taskIdentifier()).isEqualTo("echo-limits");
  }

  @Test
  void aBodyOverTheRequestLimitIs413() throws Exception {
    String body = "{\"payload\": {\"key\": \"" + "z".repeat(MAX_REQUEST) + "\"}}";
    expectError(post("/api/v1/tasks/echo-limits/trigger", body), 413, "payload_too_large");
  }

  @Test
  void aPayloadOverTheLimitIsRefusedWithItsSizeAndNothingIsStored() throws Exception {
    startWorker(ECHO);
    String big = "p".repeat(MAX_PAYLOAD);
    assertThatThrownBy(() -> client.trigger(ECHO, new Key(big)))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.code()).isEqualTo("payload_too_large");
              assertThat(e.getMessage()).contains(Integer.toString(MAX_PAYLOAD));
            });
    // in a batch, the item is named and none of the batch is stored
    assertThatThrownBy(() -> client.batchTrigger(ECHO, List.of(new Key("small"), new Key(big))))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.getMessage()).contains("items[1].payload"));
    assertThat(client.runs().list(RunQuery.ALL).data()).isEmpty();
  }

  @Test
  void tokenCompletionDataIsHeldToThePayloadLimit() throws Exception {
    HttpResponse<String> token = post("/api/v1/waitpoints/tokens", "{}");
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    String id = dev.errand.sdk.internal.Json.mapper().readTree(token.body()).path("id").asText();
    String big = "{\"data\": \"" + "d".repeat(MAX_PAYLOAD) + "\"}";
    expectError(
        post("/api/v1/waitpoints/tokens/" + id + "/complete", big), 413, "payload_too_large");
    HttpResponse<String> small =
        post("/api/v1/waitpoints/tokens/" + id + "/complete", "{\"data\": 1}");
    assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
  }

  @Test
  void anOutputOverTheLimitFailsTheRunOnceWithAClearError() throws Exception {
    startWorker(BIG_OUTPUT);
    Run<String> run =
        client.runs().awaitCompletion(client.trigger(BIG_OUTPUT, new Key("a")), TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.attemptCount()).isEqualTo(1); // the same code would return the same output
    assertThat(run.error().type()).isEqualTo(Dispatcher.OUTPUT_TOO_LARGE);
    assertThat(run.error().message())
        .contains(Integer.toString(MAX_OUTPUT + 3)) // the JSON string's quotes
        .contains(Integer.toString(MAX_OUTPUT));
  }

  @Test
  void aStepOutputOverTheLimitIsRefusedAndTheRunFailsWithTheReason() throws Exception {
    startWorker(BIG_STEP);
    Run<String> run =
        client
            .runs()
            .awaitCompletion(
                client.trigger(
                    BIG_STEP, new Key("b"), dev.errand.sdk.TriggerOptions.NONE.withMaxAttempts(1)),
                TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().message()).contains("output_too_large").contains("'big'");
  }
}
