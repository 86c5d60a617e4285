package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Queue;
import dev.errand.sdk.QueueInfo;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency keys, total limits and rate limits on two server nodes sharing one PostgreSQL
 * database, with a worker attached to each node (issue #4). The workers run in this JVM, so the
 * tasks record, themselves, the order they start in and how many of them execute at once (one lock,
 * one clock); the workers always have spare capacity, so only the queue's limits hold runs back.
 * Nodes poll slowly ({@link MultiNodeTest#SLOW_POLL}): a node learns of the other's runs and freed
 * slots only through LISTEN/NOTIFY.
 */
class MultiNodeQueueLimitsTest {
  /** Per key 2, in total 3: two busy keys share the third slot. */
  static final Queue FAIR = Queue.named("mn-fair").concurrencyLimit(2).totalConcurrencyLimit(3);

  /** Per key 5, in total 4: only the total limit can bind. */
  static final Queue MANY_KEYS =
      Queue.named("mn-many-keys").concurrencyLimit(5).totalConcurrencyLimit(4);

  /** Only a total limit: 4 across keys, none per key. */
  static final Queue TOTAL_ONLY = Queue.named("mn-total-only").totalConcurrencyLimit(4);

  static final Queue TWENTY_PER_SECOND =
      Queue.named("mn-twenty-per-second").rateLimit(20, Duration.ofSeconds(1));

  /**
   * A run's payload: its concurrency key (repeated, for the task to record) and how long it runs.
   */
  record Job(String key, int millis) {}

  static final Task<Job, String> FAIR_JOB = recorded("mn-fair-job", FAIR);
  static final Task<Job, String> MANY_KEYS_JOB = recorded("mn-many-keys-job", MANY_KEYS);
  static final Task<Job, String> TOTAL_ONLY_JOB = recorded("mn-total-only-job", TOTAL_ONLY);
  static final Task<Job, String> RATED_JOB = recorded("mn-rated-job", TWENTY_PER_SECOND);

  /** One task execution's start as the task saw it. */
  record Start(String key, String runId, long nanos, int running, int runningOfKey) {}

  /** What the tasks of all workers (both nodes) observe; one lock orders starts and counts. */
  static final class Observed {
    private final List<Start> starts = new ArrayList<>();
    private final Map<String, Integer> runningByKey = new HashMap<>();
    private int running;

    synchronized void enter(String key, String runId) {
      running++;
      int ofKey = runningByKey.merge(key, 1, Integer::sum);
      starts.add(new Start(key, runId, System.nanoTime(), running, ofKey));
    }

    synchronized void exit(String key) {
      running--;
      runningByKey.merge(key, -1, Integer::sum);
    }

    synchronized List<Start> starts() {
      return List.copyOf(starts);
    }

    synchronized int count() {
      return starts.size();
    }

    synchronized long count(String key) {
      return starts.stream().filter(s -> s.key().equals(key)).count();
    }
  }

  static volatile Observed observed = new Observed();

  static Task<Job, String> recorded(String id, Queue queue) {
    return Task.define(id, Job.class, String.class)
        .queue(queue)
        .run(
            (job, ctx) -> {
              Observed o = observed;
              o.enter(job.key(), ctx.runId());
              try {
                Thread.sleep(job.millis()); // the run's work
                return job.key();
              } finally {
                o.exit(job.key());
              }
            });
  }

  final String key = SecretKeys.generate("test");
  final List<AutoCloseable> closeables = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper mapper = Json.mapper();
  ErrandClient nodeA;
  ErrandClient nodeB;

  @BeforeEach
  void resetObserved() {
    observed = new Observed();
  }

  /** Two nodes on a fresh database, each with a client. */
  private void startTwoNodes(EngineConfig config) {
    String url = TestDatabases.freshPostgresUrl();
    nodeA = client(startNode(url, config));
    nodeB = client(startNode(url, config));
  }

  private ErrandServer startNode(String url, EngineConfig config) {
    ErrandServer node =
        ErrandServer.builder()
            .store(Stores.postgres(url))
            .masterKey(ServerTestBase.MASTER_KEY)
            .host("127.0.0.1")
            .port(0)
            .engineConfig(config)
            .build();
    node.start();
    node.bootstrap("default", "test", key);
    closeables.add(node);
    return node;
  }

  private ErrandClient client(ErrandServer node) {
    return ErrandClient.builder().apiUrl(node.localUrl()).secretKey(key).build();
  }

  /** A worker on {@code client}'s node with room for 10 runs: more than any limit here allows. */
  private void worker(ErrandClient client, Task<?, ?> task) {
    ErrandWorker w =
        ErrandWorker.builder()
            .client(client)
            .register(task)
            .maxConcurrency(10)
            .pollWait(Duration.ofSeconds(20))
            .build();
    w.start();
    closeables.addFirst(w);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void aSmallKeyStartsAheadOfABigKeysBacklogAcrossNodes() throws Exception {
    startTwoNodes(MultiNodeTest.SLOW_POLL);
    worker(nodeA, FAIR_JOB);
    worker(nodeB, FAIR_JOB);

    triggerWithKeys(nodeA, FAIR_JOB, jobs("big", 500, 50));
    // the big key alone: its own limit (2) binds below the total (3), spare workers or not
    await().atMost(Duration.ofSeconds(10)).until(() -> observed.count("big") >= 12);
    int smallTriggeredAt = observed.count(); // starts before the small trigger was sent
    triggerWithKeys(nodeB, FAIR_JOB, jobs("small", 5, 50));
    await().atMost(Duration.ofSeconds(10)).until(() -> observed.count("small") == 5);
    nodeA.queues().pause(FAIR.name()); // the rest of the backlog stays queued

    List<Start> starts = observed.starts();
    List<Start> bigAlone = starts.subList(0, smallTriggeredAt);
    assertThat(bigAlone).allMatch(s -> s.key().equals("big"));
    assertThat(bigAlone.stream().mapToInt(Start::running).max().orElseThrow())
        .as("most runs executing at once with only the big key due")
        .isEqualTo(2);

    int lastSmall = -1;
    for (int i = 0; i < starts.size(); i++) {
      if (starts.get(i).key().equals("small")) {
        lastSmall = i;
      }
    }
    long bigStartsMeanwhile =
        starts.subList(smallTriggeredAt, lastSmall).stream()
            .filter(s -> s.key().equals("big"))
            .count();
    // The bound, from the policy. Once the small key has room (fewer than 2 executing) and a slot
    // is free, its head run starts before the big key starts two: at most 1 big start per small
    // start, 5 in all. While the small key is full (2 executing) the big key may use the third
    // slot; each such stretch lasts one small run, in which the big key's single slot (runs as
    // long) turns over at most once: at most 1 more per small start, 5 in all. And claims
    // that read the due keys before the small runs were committed started at most 3 (the total
    // limit). So at most 2·5 + 3 = 13 big starts, where a claim that only looked at the oldest due
    // runs would start the small runs after the 500.
    assertThat(bigStartsMeanwhile)
        .as(
            "big starts between the small trigger and the last small start (order: %s)",
            starts.subList(smallTriggeredAt, lastSmall + 1).stream().map(Start::key).toList())
        .isLessThanOrEqualTo(13);

    assertThat(starts.stream().mapToInt(Start::running).max().orElseThrow())
        .as("most runs executing at once")
        .isEqualTo(3);
    assertThat(maxRunningOf(starts, "big")).as("most big runs executing at once").isEqualTo(2);
    assertThat(maxRunningOf(starts, "small"))
        .as("most small runs executing at once")
        .isBetween(1, 2);

    // paused, the rest of the big key's runs stay queued: none is dropped
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              QueueInfo q = nodeB.queues().get(FAIR.name());
              assertThat(q.running()).isZero();
              assertThat(q.queued()).isEqualTo(505 - observed.count());
            });
  }

  @Test
  void aTotalLimitCapsManyKeysAndSharesItsSlotsRoundRobinAcrossNodes() throws Exception {
    startTwoNodes(MultiNodeTest.SLOW_POLL);
    worker(nodeA, MANY_KEYS_JOB);
    worker(nodeB, MANY_KEYS_JOB);
    nodeA.queues().pause(MANY_KEYS.name()); // every key due at once when resumed
    // key by key: a queue serving its oldest runs first would start k00's runs before k01's
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      ErrandClient node = k < 10 ? nodeA : nodeB;
      ids.addAll(triggerWithKeys(node, MANY_KEYS_JOB, jobs("k%02d".formatted(k), 10, 20 + k)));
    }
    nodeB.queues().resume(MANY_KEYS.name());

    for (String id : ids) {
      RunHandle<String> handle = new RunHandle<>(id, String.class);
      assertThat(nodeA.runs().awaitCompletion(handle, Duration.ofSeconds(30)).status())
          .isEqualTo(RunStatus.COMPLETED);
    }

    List<Start> starts = observed.starts();
    assertThat(starts).hasSize(200);
    assertThat(starts.stream().map(Start::runId).distinct().count()).isEqualTo(200);
    assertThat(starts.stream().mapToInt(Start::running).max().orElseThrow())
        .as("most runs executing at once, where keys alone would allow 100")
        .isEqualTo(4);
    // Round robin: no key starts a second run while another waits for its first, so the first 20
    // starts (in claim order) are of 20 keys; 4 more allow for starts of runs claimed close
    // together to reach their tasks out of claim order.
    assertThat(starts.subList(0, 24).stream().map(Start::key).distinct().count())
        .as(
            "keys among the first 24 starts: %s",
            starts.subList(0, 24).stream().map(Start::key).toList())
        .isEqualTo(20);
  }

  @Test
  void aQueueWithOnlyATotalLimitStartsTheNextRunWhenASlotFrees() throws Exception {
    startTwoNodes(MultiNodeTest.SLOW_POLL);
    worker(nodeA, TOTAL_ONLY_JOB);
    worker(nodeB, TOTAL_ONLY_JOB);
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      ErrandClient node = k % 2 == 0 ? nodeA : nodeB;
      ids.addAll(triggerWithKeys(node, TOTAL_ONLY_JOB, jobs("k%02d".formatted(k), 8, 20)));
    }

    // 80 runs of 20 ms, 4 at a time: well under a second of work. Each freed slot must be handed
    // on at once, not at the waiting claims' next poll (20 s here).
    long start = System.nanoTime();
    for (String id : ids) {
      RunHandle<String> handle = new RunHandle<>(id, String.class);
      assertThat(nodeA.runs().awaitCompletion(handle, Duration.ofSeconds(30)).status())
          .isEqualTo(RunStatus.COMPLETED);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(observed.starts().stream().mapToInt(Start::running).max().orElseThrow())
        .as("most runs executing at once")
        .isEqualTo(4);
  }

  @Test
  void aRateLimitHoldsAcrossNodesWhileTriggersKeepComing() throws Exception {
    // Slow polls: a claim held back by the rate limit must look again when its window has room
    // (the claim's wait ends at the oldest start's exit from the window), not at a poll.
    startTwoNodes(MultiNodeTest.SLOW_POLL);
    worker(nodeA, RATED_JOB);
    worker(nodeB, RATED_JOB);
    ScheduledExecutorService triggers = Executors.newSingleThreadScheduledExecutor();
    closeables.addFirst(triggers::shutdownNow);
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger triggered = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();

    long t0 = System.nanoTime();
    // 100 triggers a second for 10 s, through the nodes in turn: five times the rate
    triggers.scheduleAtFixedRate(
        () -> {
          int batch = batches.getAndIncrement();
          if (batch >= 10) {
            return;
          }
          try {
            ErrandClient node = batch % 2 == 0 ? nodeA : nodeB;
            node.batchTrigger(RATED_JOB, jobs("r", 100, 10));
            triggered.addAndGet(100);
          } catch (RuntimeException e) {
            errors.add(e);
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
    Duration observation = Duration.ofSeconds(13);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !errors.isEmpty()
                    || (triggered.get() == 1_000
                        && System.nanoTime() - t0 >= observation.toNanos()));
    assertThat(errors).isEmpty();
    nodeA.queues().pause(TWENTY_PER_SECOND.name());
    long end = System.nanoTime();

    List<Start> starts = observed.starts();
    long window = Duration.ofMillis(900).toNanos(); // the server's window is 1 s, in its clock
    for (int i = 0; i < starts.size(); i++) {
      long from = starts.get(i).nanos();
      long inWindow =
          starts.stream().filter(s -> s.nanos() >= from && s.nanos() < from + window).count();
      assertThat(inWindow).as("starts within 0.9 s from start %d", i).isLessThanOrEqualTo(20);
    }
    long counted = starts.stream().filter(s -> s.nanos() < end).count();
    double seconds = (end - t0) / 1e9;
    // Close to the rate: a claim held back by the full window waits until its oldest start leaves
    // it (Dispatcher.untilARateWindowOpens), whatever the poll interval and however many triggers
    // wake it meanwhile.
    assertThat(counted / seconds)
        .as(
            "starts per second over %.1f s (%d starts; per second: %s)",
            seconds, counted, perSecond(starts, t0))
        .isGreaterThanOrEqualTo(15.0);
    // and they keep coming, to the end
    long previous = t0;
    for (Start s : starts) {
      assertThat(Duration.ofNanos(s.nanos() - previous))
          .as("gap before a start, per second: %s", perSecond(starts, t0))
          .isLessThan(Duration.ofMillis(2_500));
      previous = s.nanos();
    }
    assertThat(Duration.ofNanos(end - previous)).isLessThan(Duration.ofMillis(2_500));

    // paused, the runs not started stay queued: none is dropped, none ran twice
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              QueueInfo q = nodeB.queues().get(TWENTY_PER_SECOND.name());
              assertThat(q.running()).isZero();
              assertThat(q.queued()).isEqualTo(1_000 - observed.count());
            });
    List<Start> all = observed.starts();
    assertThat(all.stream().map(Start::runId).distinct().count()).isEqualTo(all.size());
  }

  private static List<Job> jobs(String key, int n, int millis) {
    return IntStream.range(0, n).mapToObj(i -> new Job(key, millis)).toList();
  }

  /** How many starts fell in each second from {@code t0}. */
  private static List<Integer> perSecond(List<Start> starts, long t0) {
    List<Integer> counts = new ArrayList<>();
    for (Start s : starts) {
      int second = (int) ((s.nanos() - t0) / 1_000_000_000L);
      while (counts.size() <= second) {
        counts.add(0);
      }
      counts.set(second, counts.get(second) + 1);
    }
    return counts;
  }

  private static int maxRunningOf(List<Start> starts, String key) {
    return starts.stream()
        .filter(s -> s.key().equals(key))
        .mapToInt(Start::runningOfKey)
        .max()
        .orElse(0);
  }

  /**
   * Triggers {@code jobs} in one batch through {@code node}'s HTTP API, each with its key as the
   * concurrency key (the SDK's batchTrigger has no per-item options); returns the run ids.
   */
  private List<String> triggerWithKeys(ErrandClient node, Task<Job, ?> task, List<Job> jobs)
      throws Exception {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (Job job : jobs) {
      ObjectNode item = items.addObject();
      item.set("payload", mapper.valueToTree(job));
      item.putObject("options").put("concurrencyKey", job.key());
    }
    HttpRequest request =
        HttpRequest.newBuilder(node.apiUrl().resolve("/api/v1/tasks/" + task.id() + "/batch"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonNode run : mapper.readTree(response.body()).get("runs")) {
      ids.add(run.get("id").asText());
    }
    assertThat(ids).hasSize(jobs.size());
    return ids;
  }
}
