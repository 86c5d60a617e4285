package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Debounced triggers collapse into one run with the last payload. On both stores. */
abstract class DebounceTest extends ServerTestBase {

  @Test
  void triggersWithOneKeyWithinTheDelayBecomeOneRunWithTheLastPayload() {
    startWorker(TestTasks.PROCESS_ORDER);
    String prefix = unique("d");
    TriggerOptions debounced =
        TriggerOptions.NONE.withDebounce("cart-" + prefix, Duration.ofMillis(700), null);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(
          client.trigger(TestTasks.PROCESS_ORDER, new Order(prefix + "-" + i, i), debounced).id());
    }

    assertThat(ids).hasSize(1);
    Run<Receipt> run =
        client
            .runs()
            .awaitCompletion(new RunHandle<>(ids.iterator().next(), Receipt.class), TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output().orderId()).isEqualTo(prefix + "-5");
    for (int i = 1; i <= 4; i++) {
      assertThat(TestTasks.executions(prefix + "-" + i)).isZero();
    }
    assertThat(TestTasks.executions(prefix + "-5")).isEqualTo(1);

    RunHandle<Receipt> after =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(prefix + "-6", 6), debounced);
    assertThat(after.id()).as("the first run started: a new one").isNotEqualTo(run.id());
    assertThat(client.runs().awaitCompletion(after, TIMEOUT).output().orderId())
        .isEqualTo(prefix + "-6");
  }

  @Test
  void fiftySimultaneousDebouncedTriggersMakeOneRun() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String prefix = unique("s");
    TriggerOptions debounced =
        TriggerOptions.NONE.withDebounce("race-" + prefix, Duration.ofSeconds(1), null);
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    // half through each server node, on PostgreSQL (one node on the embedded store)
    java.util.List<dev.errand.sdk.ErrandClient> clients = java.util.List.of(client, otherClient());
    for (int i = 0; i < 50; i++) {
      int n = i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                      ids.add(
                          clients
                              .get(n % 2)
                              .trigger(
                                  TestTasks.PROCESS_ORDER,
                                  new Order(prefix + "-" + n, 1),
                                  debounced)
                              .id());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(ids).hasSize(1);
    assertThat(
            client
                .runs()
                .awaitCompletion(new RunHandle<>(ids.iterator().next(), Receipt.class), TIMEOUT)
                .status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void maxDelayBoundsHowLongTriggersCanPushARunBack() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String prefix = unique("m");
    TriggerOptions debounced =
        TriggerOptions.NONE.withDebounce(
            "burst-" + prefix, Duration.ofMillis(400), Duration.ofMillis(600));
    Set<String> ids = new LinkedHashSet<>();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    long first = System.nanoTime();
    // a trigger every 100 ms (shorter than the delay) until one lands in a new run: without the
    // bound, the trickle would push the first run back for ever
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              int i = n.getAndIncrement();
              ids.add(
                  client
                      .trigger(TestTasks.PROCESS_ORDER, new Order(prefix + "-" + i, 1), debounced)
                      .id());
              return ids.size() > 1;
            });

    assertThat(Duration.ofNanos(System.nanoTime() - first))
        .as("the first run started within its 600 ms bound, not after the trickle")
        .isLessThan(Duration.ofSeconds(5));
    for (String id : ids) {
      assertThat(
              client.runs().awaitCompletion(new RunHandle<>(id, Receipt.class), TIMEOUT).status())
          .isEqualTo(RunStatus.COMPLETED);
    }
  }

  @Test
  void debounceRefusesWhatItCannotCombineWith() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String payload = "{\"orderId\":\"x\",\"amountCents\":1}";
    expectError(
        post(
            "/api/v1/tasks/process-order/trigger",
            "{\"payload\":" + payload + ",\"options\":{\"debounce\":{\"key\":\"k\"}}}"),
        400,
        "invalid_options");
    expectError(
        post(
            "/api/v1/tasks/process-order/trigger",
            "{\"payload\":"
                + payload
                + ",\"options\":{\"idempotencyKey\":\"i\","
                + "\"debounce\":{\"key\":\"k\",\"delay\":\"1s\"}}}"),
        400,
        "invalid_options");
    expectError(
        post(
            "/api/v1/tasks/process-order/trigger",
            "{\"payload\":"
                + payload
                + ",\"options\":{\"debounce\":{\"key\":\"k\",\"delay\":\"1s\","
                + "\"maxDelay\":\"1ms\"}}}"),
        400,
        "invalid_options");
  }
}
