package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.Attempt;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Manual retry ({@code POST /api/v1/runs/{id}/retry}): the same run goes back to the queue, resumes
 * after its last completed step and gets a fresh budget of attempts. On both stores.
 */
abstract class RetryTest extends ServerTestBase {

  /** Records step one, then fails for good on attempt 1; a later attempt records step two. */
  static final Task<Key, String> STEP_THEN_FAILS =
      Task.define("step-then-fails", Key.class, String.class)
          .retry(RetryPolicy.exponential().maxAttempts(2).minDelay(Duration.ofMillis(10)).build())
          .run(
              (key, ctx) -> {
                String one =
                    ctx.step(
                        "one", String.class, () -> "one" + DurableTasks.effect(key.key(), "one"));
                if (ctx.attempt() == 1) {
                  throw new NonRetryableException("fails until retried by hand");
                }
                String two =
                    ctx.step(
                        "two", String.class, () -> "two" + DurableTasks.effect(key.key(), "two"));
                return one + "," + two;
              });

  @Test
  void aRetriedRunResumesAfterItsLastCompletedStepUnderItsOwnId() {
    startWorker(STEP_THEN_FAILS);
    String key = unique("retry");
    RunHandle<String> handle = client.trigger(STEP_THEN_FAILS, new Key(key));
    Run<String> failed = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.maxAttempts()).isEqualTo(2);

    Run<JsonNode> retried = client.runs().retry(handle.id());

    assertThat(retried.id()).isEqualTo(handle.id());
    assertThat(retried.status()).isIn(RunStatus.QUEUED, RunStatus.EXECUTING);
    assertThat(retried.finishedAt()).isNull();
    assertThat(retried.maxAttempts()).as("attempt 1 used, then a fresh budget of 2").isEqualTo(3);
    Run<String> done = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output()).isEqualTo("one1,two1");
    assertThat(done.attemptCount()).isEqualTo(2);
    assertThat(done.attempts()).extracting(Attempt::status).containsExactly("FAILED", "COMPLETED");
    assertThat(done.replayOf()).isNull();
    assertThat(DurableTasks.effects(key, "one")).as("step one was not run again").isEqualTo(1);
    assertThat(DurableTasks.effects(key, "two")).isEqualTo(1);
    assertThat(
            client
                .runs()
                .list(RunQuery.ALL.withTaskIdentifier(STEP_THEN_FAILS.id()).withLimit(100))
                .data())
        .extracting(Run::id)
        .as("no new run")
        .containsOnlyOnce(handle.id());
  }

  @Test
  void aRetryGetsAFreshBudgetOfAttempts() {
    startWorker(TestTasks.ALWAYS_FAILS);
    String key = unique("budget");
    RunHandle<Void> handle = client.trigger(TestTasks.ALWAYS_FAILS, new Key(key));
    assertThat(client.runs().awaitCompletion(handle, TIMEOUT).attemptCount()).isEqualTo(4);

    client.runs().retry(handle.id());

    Run<Void> again = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(again.status()).isEqualTo(RunStatus.FAILED);
    assertThat(again.attemptCount()).isEqualTo(8);
    assertThat(again.maxAttempts()).isEqualTo(8);
    assertThat(again.attempts())
        .extracting(Attempt::number)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(TestTasks.executions(key)).isEqualTo(8);
  }

  @Test
  void aCanceledRunRetriedRunsToCompletion() {
    ErrandWorker registrar = startWorker(TestTasks.PROCESS_ORDER);
    registrar.close();
    workers.remove(registrar);
    String orderId = unique("canceled");
    RunHandle<Receipt> handle =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(orderId, 1),
            TriggerOptions.NONE.withTtl(Duration.ofMillis(500)));
    client.runs().cancel(handle.id());

    assertThat(client.runs().retry(handle.id()).status()).isEqualTo(RunStatus.QUEUED);
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> client.runs().get(handle.id()).status() == RunStatus.QUEUED);
    startWorker(TestTasks.PROCESS_ORDER);

    Run<Receipt> done = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(done.status())
        .as("its time to live no longer applies")
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(done.attemptCount()).isEqualTo(1);
    assertThat(TestTasks.executions(orderId)).isEqualTo(1);
  }

  @Test
  void onlyARunThatEndedWithoutSuccessCanBeRetried() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("done");
    RunHandle<Receipt> completed = client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1));
    client.runs().awaitCompletion(completed, TIMEOUT);
    RunHandle<Receipt> delayed =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(unique("delayed"), 1),
            TriggerOptions.NONE.withDelay(Duration.ofMinutes(5)));

    assertThatThrownBy(() -> client.runs().retry(completed.id()))
        .isInstanceOfSatisfying(
            ErrandApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.code()).isEqualTo("run_not_retryable");
              assertThat(e.getMessage()).contains("COMPLETED");
            });
    expectError(post("/api/v1/runs/" + delayed.id() + "/retry", "{}"), 409, "run_not_retryable");
    expectError(
        post("/api/v1/runs/run_00000000000000000000000000/retry", "{}"), 404, "run_not_found");
    expectError(post("/api/v1/runs/nope/retry", "{}"), 404, "run_not_found");
    assertThat(client.runs().get(completed.id()).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(client.runs().get(delayed.id()).status()).isEqualTo(RunStatus.DELAYED);
    assertThat(TestTasks.executions(orderId)).isEqualTo(1);
  }
}
