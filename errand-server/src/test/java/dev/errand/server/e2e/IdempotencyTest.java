package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys: one run however many triggers race, released by a failed run, by their time to
 * live and through the API. On both stores.
 */
abstract class IdempotencyTest extends ServerTestBase {

  @Test
  void aHundredSimultaneousTriggersWithOneKeyMakeOneRun() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("o");
    TriggerOptions options = TriggerOptions.NONE.withIdempotencyKey("charge-" + orderId);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    // half through each server node, on PostgreSQL (one node on the embedded store)
    List<dev.errand.sdk.ErrandClient> clients = List.of(client, otherClient());
    for (int i = 0; i < 100; i++) {
      dev.errand.sdk.ErrandClient via = clients.get(i % 2);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                      ids.add(
                          via.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 100), options)
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
    Run<Receipt> run =
        client
            .runs()
            .awaitCompletion(new RunHandle<>(ids.iterator().next(), Receipt.class), TIMEOUT);
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(TestTasks.executions(orderId)).isEqualTo(1);
  }

  @Test
  void aFailedRunReleasesItsKeyAndStillShowsIt() {
    startWorker(TestTasks.NON_RETRYABLE);
    String key = unique("fails");
    TriggerOptions options = TriggerOptions.NONE.withIdempotencyKey(key);
    RunHandle<Void> first = client.trigger(TestTasks.NON_RETRYABLE, new Key(key), options);
    assertThat(client.runs().awaitCompletion(first, TIMEOUT).status()).isEqualTo(RunStatus.FAILED);

    RunHandle<Void> second = client.trigger(TestTasks.NON_RETRYABLE, new Key(key), options);

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(client.runs().get(first).idempotencyKey()).isEqualTo(key);
    assertThat(client.runs().awaitCompletion(second, TIMEOUT).idempotencyKey()).isEqualTo(key);
  }

  @Test
  void aKeyPastItsTimeToLiveTriggersANewRun() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("ttl");
    TriggerOptions options =
        TriggerOptions.NONE
            .withIdempotencyKey("ttl-" + orderId)
            .withIdempotencyKeyTTL(Duration.ofMillis(300));
    RunHandle<Receipt> first =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1), options);
    RunHandle<Receipt> cached =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1), options);
    assertThat(cached.id()).isEqualTo(first.id());
    client.runs().awaitCompletion(first, TIMEOUT);

    // a trigger while the key holds creates nothing, so asking until it creates a run is harmless
    RunHandle<Receipt> later =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1), options),
                h -> !h.id().equals(first.id()));

    assertThat(later.id()).isNotEqualTo(first.id());
    assertThat(client.runs().awaitCompletion(later, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aKeyResetThroughTheApiTriggersANewRun() throws Exception {
    startWorker(TestTasks.PROCESS_ORDER);
    String orderId = unique("reset");
    TriggerOptions options = TriggerOptions.NONE.withIdempotencyKey("reset " + orderId);
    RunHandle<Receipt> first =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1), options);
    client.runs().awaitCompletion(first, TIMEOUT);

    assertThat(client.resetIdempotencyKey(TestTasks.PROCESS_ORDER, "reset " + orderId)).isTrue();
    assertThat(client.resetIdempotencyKey(TestTasks.PROCESS_ORDER, "reset " + orderId)).isFalse();
    RunHandle<Receipt> second =
        client.trigger(TestTasks.PROCESS_ORDER, new Order(orderId, 1), options);

    assertThat(second.id()).isNotEqualTo(first.id());
    expectError(post("/api/v1/idempotencyKeys/k/reset", "{}"), 400, "invalid_request");
    expectError(
        post(
            "/api/v1/tasks/process-order/trigger",
            "{\"payload\":{\"orderId\":\"x\",\"amountCents\":1},"
                + "\"options\":{\"idempotencyKey\":\"k\",\"idempotencyKeyTTL\":\"0s\"}}"),
        400,
        "invalid_options");
  }
}
