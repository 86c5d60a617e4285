package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.e2e.TestTasks.Order;
import dev.errand.server.e2e.TestTasks.Receipt;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two server nodes on one PostgreSQL database, workers on each. */
class MultiNodeTest {
  /** So long that only LISTEN/NOTIFY can explain a prompt start on the other node. */
  static final EngineConfig SLOW_POLL =
      new EngineConfig(
          Duration.ofSeconds(5),
          Duration.ofMillis(200),
          Duration.ofSeconds(30),
          Duration.ofSeconds(25));

  final String key = SecretKeys.generate("test");
  final List<AutoCloseable> closeables = new ArrayList<>();
  ErrandClient nodeA;
  ErrandClient nodeB;

  @BeforeEach
  void startTwoNodes() {
    String url = TestDatabases.freshPostgresUrl();
    nodeA = client(startNode(url));
    nodeB = client(startNode(url));
  }

  private ErrandServer startNode(String url) {
    ErrandServer node =
        ErrandServer.builder()
            .store(Stores.postgres(url))
            .masterKey(ServerTestBase.MASTER_KEY)
            .host("127.0.0.1")
            .port(0)
            .engineConfig(SLOW_POLL)
            .build();
    node.start();
    node.bootstrap("default", "test", key);
    closeables.add(node);
    return node;
  }

  private ErrandClient client(ErrandServer node) {
    return ErrandClient.builder().apiUrl(node.localUrl()).secretKey(key).build();
  }

  private ErrandWorker worker(ErrandClient client) {
    return worker(client, TestTasks.PROCESS_ORDER);
  }

  private ErrandWorker worker(ErrandClient client, dev.errand.sdk.Task<?, ?> task) {
    ErrandWorker w =
        ErrandWorker.builder()
            .client(client)
            .register(task)
            .maxConcurrency(10)
            .pollWait(Duration.ofSeconds(20))
            .build();
    w.start();
    closeables.addFirst(w);
    return w;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void runTriggeredOnOneNodeStartsPromptlyOnAWorkerOfTheOther() {
    worker(nodeA);
    // let the worker's claim settle into its long poll on node A
    nodeA
        .runs()
        .awaitCompletion(
            nodeA.trigger(TestTasks.PROCESS_ORDER, new Order("warm-" + UUID.randomUUID(), 1)),
            Duration.ofSeconds(10));

    long start = System.nanoTime();
    RunHandle<Receipt> handle =
        nodeB.trigger(TestTasks.PROCESS_ORDER, new Order("cross-" + UUID.randomUUID(), 1));
    Run<Receipt> run = nodeB.runs().awaitCompletion(handle, Duration.ofSeconds(10));

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("woken by NOTIFY, not by the 30 s poll")
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void workersOnBothNodesRunEveryRunExactlyOnce() {
    worker(nodeA);
    worker(nodeB);
    String prefix = "both-" + UUID.randomUUID() + "-";
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      orders.add(new Order(prefix + i, i + 1));
    }
    List<RunHandle<Receipt>> handles =
        new ArrayList<>(nodeA.batchTrigger(TestTasks.PROCESS_ORDER, orders.subList(0, 150)));
    handles.addAll(nodeB.batchTrigger(TestTasks.PROCESS_ORDER, orders.subList(150, 300)));

    for (RunHandle<Receipt> h : handles) {
      assertThat(nodeA.runs().awaitCompletion(h, Duration.ofSeconds(30)).attemptCount())
          .isEqualTo(1);
    }
    for (Order o : orders) {
      assertThat(TestTasks.executions(o.orderId())).as(o.orderId()).isEqualTo(1);
    }
  }

  @Test
  void aQueueLimitHoldsAcrossNodes() {
    QueueConcurrencyTest.executing.set(0);
    QueueConcurrencyTest.peak.set(0);
    worker(nodeA, QueueConcurrencyTest.SLOW_IN_LIMITED);
    worker(nodeB, QueueConcurrencyTest.SLOW_IN_LIMITED);
    List<QueueConcurrencyTest.Item> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(new QueueConcurrencyTest.Item(i));
    }
    List<RunHandle<Integer>> handles =
        new ArrayList<>(
            nodeA.batchTrigger(QueueConcurrencyTest.SLOW_IN_LIMITED, items.subList(0, 15)));
    handles.addAll(nodeB.batchTrigger(QueueConcurrencyTest.SLOW_IN_LIMITED, items.subList(15, 30)));

    for (RunHandle<Integer> h : handles) {
      assertThat(nodeA.runs().awaitCompletion(h, Duration.ofSeconds(30)).status())
          .isEqualTo(RunStatus.COMPLETED);
    }
    assertThat(QueueConcurrencyTest.peak.get()).isEqualTo(3);
  }
}
