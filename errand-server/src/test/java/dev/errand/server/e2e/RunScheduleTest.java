package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When runs may start: time to live, rescheduling a delayed run, a delay given as an instant. */
abstract class RunScheduleTest extends ServerTestBase {

  @Test
  void aRunNotStartedWithinItsTtlExpiresAndNeverRuns() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER).close(); // registers the task, then goes away
    String orderId = unique("ttl");
    RunHandle<Receipt> handle =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(orderId, 1),
            TriggerOptions.NONE.withTtl(Duration.ofMillis(300)));

    Run<Receipt> run = client.runs().awaitCompletion(handle, TIMEOUT);
    startWorker(TestTasks.PROCESS_ORDER);

    assertThat(run.status()).isEqualTo(RunStatus.EXPIRED);
    assertThat(run.error().type()).isEqualTo("dev.errand.RunExpired");
    await() // a worker that came later must not run it
        .during(Duration.ofMillis(500))
        .atMost(TIMEOUT)
        .until(() -> TestTasks.executions(orderId) == 0);
  }

  @Test
  void aRunThatStartedInTimeIsNotExpiredByItsTtl() {
    startWorker(TestTasks.SLOW);
    String key = unique("started");
    RunHandle<String> handle =
        client.trigger(
            TestTasks.SLOW,
            new TestTasks.Key(key),
            TriggerOptions.NONE.withTtl(Duration.ofSeconds(1)));

    assertThat(client.runs().awaitCompletion(handle, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aDelayedRunCanBeRescheduledAndOnlyADelayedOne() {
    startWorker(TestTasks.PROCESS_ORDER);
    RunHandle<Receipt> handle =
        client.trigger(
            TestTasks.PROCESS_ORDER,
            new Order(unique("later"), 1),
            TriggerOptions.NONE.withDelay(Duration.ofHours(1)));
    assertThat(client.runs().get(handle).status()).isEqualTo(RunStatus.DELAYED);

    client.runs().reschedule(handle.id(), Duration.ofMillis(200));

    assertThat(client.runs().awaitCompletion(handle, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);
    assertThatThrownBy(() -> client.runs().reschedule(handle.id(), Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            ErrandApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  @Test
  void aDelayMayBeAnInstant() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String at = Instant.now().plusSeconds(3600).toString();
    var response =
        post(
            "/api/v1/tasks/process-order/trigger",
            "{\"payload\":{\"orderId\":\""
                + unique("i")
                + "\",\"amountCents\":1},"
                + "\"options\":{\"delay\":\""
                + at
                + "\"}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String id = dev.errand.sdk.internal.Json.mapper().readTree(response.body()).path("id").asText();

    Run<?> run = client.runs().get(id);

    assertThat(run.status()).isEqualTo(RunStatus.DELAYED);
    assertThat(run.delayUntil())
        .isBetween(Instant.parse(at).minusSeconds(5), Instant.parse(at).plusSeconds(5));
    expectError(
        post("/api/v1/runs/" + id + "/reschedule", "{\"delay\":\"soon\"}"), 400, "invalid_options");
  }
}
