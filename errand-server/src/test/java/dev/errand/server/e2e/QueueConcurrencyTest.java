package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.Queue;
import dev.errand.sdk.QueueInfo;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunResult;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.server.e2e.TestTasks.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queue concurrency limits hold across workers, and a parent waiting on children in its own limited
 * queue holds no slot, so it cannot deadlock. On both stores.
 */
abstract class QueueConcurrencyTest extends ServerTestBase {
  static final Queue LIMITED = Queue.named("limited").concurrencyLimit(3);
  static final Queue PAIR = Queue.named("pair").concurrencyLimit(2);

  static final AtomicInteger executing = new AtomicInteger();
  static final AtomicInteger peak = new AtomicInteger();

  record Item(int n) {}

  record Squares(List<Integer> values) {}

  static void enter() {
    peak.accumulateAndGet(executing.incrementAndGet(), Math::max);
  }

  static final Task<Item, Integer> SLOW_IN_LIMITED =
      Task.define("slow-in-limited", Item.class, Integer.class)
          .queue(LIMITED)
          .run(
              (item, ctx) -> {
                enter();
                try {
                  Thread.sleep(100);
                  return item.n();
                } finally {
                  executing.decrementAndGet();
                }
              });

  static final Task<Item, Integer> CHILD =
      Task.define("pair-child", Item.class, Integer.class)
          .queue(PAIR)
          .run(
              (item, ctx) -> {
                enter();
                try {
                  Thread.sleep(20);
                  return item.n() * item.n();
                } finally {
                  executing.decrementAndGet();
                }
              });

  static final Task<Key, Squares> PARENT =
      Task.define("pair-parent", Key.class, Squares.class)
          .queue(PAIR)
          .run(
              (key, ctx) -> {
                enter();
                try {
                  List<Item> items = new ArrayList<>();
                  for (int i = 0; i < 20; i++) {
                    items.add(new Item(i));
                  }
                  List<Integer> out = new ArrayList<>();
                  executing.decrementAndGet(); // the wait below ends this execution
                  List<RunResult<Integer>> results;
                  try {
                    results = CHILD.batchTriggerAndWait(ctx, items);
                  } finally {
                    enter();
                  }
                  results.forEach(r -> out.add(r.unwrap()));
                  return new Squares(out);
                } finally {
                  executing.decrementAndGet();
                }
              });

  static final Task<Item, Integer> IN_OPS =
      Task.define("in-ops", Item.class, Integer.class)
          .queue("ops")
          .run(
              (item, ctx) -> {
                enter();
                try {
                  Thread.sleep(50);
                  return item.n();
                } finally {
                  executing.decrementAndGet();
                }
              });

  static final List<Long> STARTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static final Task<Item, Integer> RATE_LIMITED =
      Task.define("rate-limited", Item.class, Integer.class)
          .queue(Queue.named("five-per-second").rateLimit(5, java.time.Duration.ofSeconds(1)))
          .run(
              (item, ctx) -> {
                STARTS.add(System.nanoTime());
                return item.n();
              });

  /** When each run of {@link #TWENTY_PER_SECOND} started, and which item it was. */
  static final List<long[]> RATED_STARTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static final Task<Item, Integer> TWENTY_PER_SECOND =
      Task.define("twenty-per-second", Item.class, Integer.class)
          .queue(Queue.named("twenty-per-second").rateLimit(20, Duration.ofSeconds(1)))
          .run(
              (item, ctx) -> {
                RATED_STARTS.add(new long[] {System.nanoTime(), item.n()});
                return item.n();
              });

  @BeforeEach
  void resetCounters() {
    executing.set(0);
    peak.set(0);
  }

  @Test
  void aQueueNeverRunsMoreThanItsLimitAcrossWorkers() {
    startWorker(10, SLOW_IN_LIMITED);
    startWorkerOnOtherNode(10, SLOW_IN_LIMITED); // a second server node on PostgreSQL
    List<RunHandle<Integer>> handles =
        client.batchTrigger(SLOW_IN_LIMITED, IntStream.range(0, 24).mapToObj(Item::new).toList());

    for (RunHandle<Integer> handle : handles) {
      assertThat(client.runs().awaitCompletion(handle, TIMEOUT).status())
          .isEqualTo(RunStatus.COMPLETED);
    }

    assertThat(peak.get()).isEqualTo(3);
  }

  @Test
  void aParentAndItsTwentyChildrenOnOneQueueOfTwoCompleteInOrder() {
    startWorker(10, PARENT, CHILD);
    RunHandle<Squares> handle = client.trigger(PARENT, new Key(unique("p")));

    Run<Squares> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output().values())
        .isEqualTo(IntStream.range(0, 20).map(i -> i * i).boxed().toList());
    assertThat(peak.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void aPausedQueueStartsNothingUntilResumed() throws Exception {
    startWorker(IN_OPS);
    startWorkerOnOtherNode(5, IN_OPS);
    QueueInfo paused = client.queues().pause("ops");
    assertThat(paused.paused()).isTrue();
    List<RunHandle<Integer>> handles =
        client.batchTrigger(IN_OPS, IntStream.range(0, 5).mapToObj(Item::new).toList());

    await()
        .during(Duration.ofMillis(1_500))
        .atMost(TIMEOUT)
        .until(() -> peak.get() == 0 && client.queues().get("ops").running() == 0);
    QueueInfo ops = client.queues().get("ops");
    assertThat(ops.queued()).isEqualTo(5);
    assertThat(ops.running()).isZero();

    assertThat(client.queues().resume("ops").paused()).isFalse();
    for (RunHandle<Integer> h : handles) {
      assertThat(client.runs().awaitCompletion(h, TIMEOUT).status()).isEqualTo(RunStatus.COMPLETED);
    }
  }

  @Test
  void anOverriddenLimitAppliesUntilReset() {
    startWorker(10, SLOW_IN_LIMITED);
    startWorkerOnOtherNode(10, SLOW_IN_LIMITED);
    QueueInfo overridden = client.queues().overrideConcurrencyLimit("limited", 1);
    assertThat(overridden.concurrencyLimit()).isEqualTo(1);
    assertThat(overridden.declaredConcurrencyLimit()).isEqualTo(3);

    List<RunHandle<Integer>> handles =
        client.batchTrigger(SLOW_IN_LIMITED, IntStream.range(0, 6).mapToObj(Item::new).toList());
    for (RunHandle<Integer> h : handles) {
      assertThat(client.runs().awaitCompletion(h, TIMEOUT).status()).isEqualTo(RunStatus.COMPLETED);
    }

    assertThat(peak.get()).isEqualTo(1);
    QueueInfo reset = client.queues().resetConcurrencyLimit("limited");
    assertThat(reset.concurrencyLimit()).isEqualTo(3);
    assertThat(reset.concurrencyLimitOverride()).isNull();
    assertThat(client.queues().list()).extracting(QueueInfo::name).contains("limited");
  }

  @Test
  void unknownQueuesAndBadLimitsAreClearErrors() throws Exception {
    startWorker(SLOW_IN_LIMITED);
    expectError(post("/api/v1/queues/nope/pause", "{}"), 404, "queue_not_found");
    expectError(post("/api/v1/queues/limited/concurrency", "{\"limit\": 0}"), 400, "invalid_limit");
    expectError(
        post("/api/v1/queues/limited/concurrency", "{\"limit\": \"x\"}"), 400, "invalid_request");
  }

  @Test
  void aRateOf20PerSecondHoldsOverTenSecondsOfAThousandTriggers() {
    RATED_STARTS.clear();
    startWorker(50, TWENTY_PER_SECOND);
    startWorkerOnOtherNode(50, TWENTY_PER_SECOND);
    var triggers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger triggered = new AtomicInteger();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    try {
      // 100 triggers a second for 10 s (five times the rate), through both nodes in turn
      triggers.scheduleAtFixedRate(
          () -> {
            int batch = batches.getAndIncrement();
            if (batch >= 10) {
              return;
            }
            try {
              (batch % 2 == 0 ? client : otherClient())
                  .batchTrigger(
                      TWENTY_PER_SECOND,
                      IntStream.range(batch * 100, batch * 100 + 100).mapToObj(Item::new).toList());
              triggered.addAndGet(100);
            } catch (RuntimeException e) {
              errors.add(e);
            }
          },
          0,
          1,
          java.util.concurrent.TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !errors.isEmpty()
                      || (triggered.get() == 1_000
                          && System.nanoTime() - t0 >= Duration.ofSeconds(12).toNanos()));
    } finally {
      triggers.shutdownNow();
    }
    assertThat(errors).isEmpty();
    client.queues().pause("twenty-per-second");
    double seconds = (System.nanoTime() - t0) / 1e9;

    List<Long> starts = RATED_STARTS.stream().map(s -> s[0]).sorted().toList();
    long window = Duration.ofMillis(900).toNanos(); // the server's window is 1 s, in its clock
    for (int i = 0; i < starts.size(); i++) {
      long from = starts.get(i);
      long inWindow = starts.stream().filter(t -> t >= from && t < from + window).count();
      assertThat(inWindow).as("starts within 0.9 s of start %d", i).isLessThanOrEqualTo(20);
    }
    assertThat(starts.size() / seconds).as("starts per second").isGreaterThanOrEqualTo(15.0);
    // paused: the runs not started stay queued, none is dropped and none ran twice
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              QueueInfo queue = client.queues().get("twenty-per-second");
              assertThat(queue.running()).isZero();
              assertThat(queue.queued()).isEqualTo(1_000 - RATED_STARTS.size());
            });
    assertThat(RATED_STARTS.stream().map(s -> s[1]).distinct().count())
        .isEqualTo(RATED_STARTS.size());
  }

  @Test
  void aRateLimitedQueueStartsNoMoreThanItsRateInAnyWindow() {
    STARTS.clear();
    startWorker(10, RATE_LIMITED);
    startWorkerOnOtherNode(10, RATE_LIMITED);
    List<RunHandle<Integer>> handles =
        client.batchTrigger(RATE_LIMITED, IntStream.range(0, 20).mapToObj(Item::new).toList());

    for (RunHandle<Integer> h : handles) {
      assertThat(client.runs().awaitCompletion(h, TIMEOUT).status()).isEqualTo(RunStatus.COMPLETED);
    }

    List<Long> starts = STARTS.stream().sorted().toList();
    assertThat(starts).hasSize(20);
    long window = java.time.Duration.ofMillis(900).toNanos(); // the server's window is 1 s
    for (int i = 0; i < starts.size(); i++) {
      long from = starts.get(i);
      long inWindow = starts.stream().filter(t -> t >= from && t < from + window).count();
      assertThat(inWindow).as("starts within 0.9 s of start %d", i).isLessThanOrEqualTo(5);
    }
    assertThat(starts.getLast() - starts.getFirst())
        .as("20 starts at 5 per second take at least 3 s")
        .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(2_900).toNanos());
    QueueInfo queue = client.queues().get("five-per-second");
    assertThat(queue.rateLimit()).isEqualTo(5);
    assertThat(queue.rateWindow()).isEqualTo(java.time.Duration.ofSeconds(1));
  }
}
