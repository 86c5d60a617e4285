package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.IdempotencyKeyScope;
import dev.errand.sdk.Queue;
import dev.errand.sdk.QueueInfo;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency keys (a queue's limit per key, a total limit across keys, round-robin dequeue), rate
 * limits per key, the environment's cap, and idempotency key scopes inside tasks. On both stores.
 */
abstract class ConcurrencyKeyTest extends ServerTestBase {
  static final ObjectMapper MAPPER = new ObjectMapper();

  record Job(String tenant, int n) {}

  /** Per key and in total, what executes now and the most that ever did. */
  static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

  static final Map<String, AtomicInteger> PEAK = new ConcurrentHashMap<>();
  static final List<String> START_ORDER = new CopyOnWriteArrayList<>();
  static final List<long[]> STARTS = new CopyOnWriteArrayList<>();

  static void enter(String... counters) {
    for (String c : counters) {
      int now = RUNNING.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
      PEAK.computeIfAbsent(c, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }
  }

  static void exit(String... counters) {
    for (String c : counters) {
      RUNNING.get(c).decrementAndGet();
    }
  }

  static int peak(String counter) {
    return PEAK.getOrDefault(counter, new AtomicInteger()).get();
  }

  static Task<Job, Integer> keyed(String id, Queue queue, long workMillis) {
    return Task.define(id, Job.class, Integer.class)
        .queue(queue)
        .run(
            (job, ctx) -> {
              START_ORDER.add(job.tenant());
              STARTS.add(new long[] {System.nanoTime(), job.tenant().hashCode()});
              enter(id, id + "/" + job.tenant(), "all");
              try {
                Thread.sleep(workMillis);
                return job.n();
              } finally {
                exit(id, id + "/" + job.tenant(), "all");
              }
            });
  }

  static final Task<Job, Integer> TENANT_WORK =
      keyed("tenant-work", Queue.named("tenants").concurrencyLimit(2).totalConcurrencyLimit(3), 20);

  static final Task<Job, Integer> MANY_KEYS =
      keyed("many-keys", Queue.named("many-keys").concurrencyLimit(5).totalConcurrencyLimit(4), 10);

  static final Task<Job, Integer> PER_KEY_RATE =
      keyed(
          "per-key-rate", Queue.named("per-key-rate").rateLimitPerKey(3, Duration.ofSeconds(1)), 0);

  static final Task<Job, Integer> UNLIMITED = keyed("unlimited-work", Queue.named("free"), 30);

  static final Task<Job, Integer> LIMITED_TOO =
      keyed("limited-work", Queue.named("limited-too").concurrencyLimit(5), 30);

  @BeforeEach
  void reset() {
    RUNNING.clear();
    PEAK.clear();
    START_ORDER.clear();
    STARTS.clear();
    CHILDREN_TRIGGERED.clear();
    taskClient = client;
  }

  /** The client tasks trigger with (a user's task would hold its own). */
  static volatile dev.errand.sdk.ErrandClient taskClient;

  /** Triggers {@code count} runs of a key in one batch, over HTTP (per-item options). */
  List<String> triggerKeyed(Task<Job, Integer> task, String tenant, int count) throws Exception {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (int i = 0; i < count; i++) {
      ObjectNode item = items.addObject();
      item.putObject("payload").put("tenant", tenant).put("n", i);
      item.putObject("options").put("concurrencyKey", tenant);
    }
    HttpResponse<String> response =
        post("/api/v1/tasks/" + task.id() + "/batch", MAPPER.writeValueAsString(body));
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    List<String> ids = new ArrayList<>();
    MAPPER.readTree(response.body()).path("runs").forEach(r -> ids.add(r.path("id").asText()));
    return ids;
  }

  void awaitAll(List<String> ids) {
    for (String id : ids) {
      Run<JsonNode> run =
          client.runs().awaitCompletion(new RunHandle<>(id, JsonNode.class), TIMEOUT);
      assertThat(run.status()).as(id).isEqualTo(RunStatus.COMPLETED);
    }
  }

  @Test
  void aSmallKeyIsNotStarvedByABigOneAndTheTotalLimitHolds() throws Exception {
    startWorker(10, TENANT_WORK);
    startWorkerOnOtherNode(10, TENANT_WORK); // a second server node on PostgreSQL
    triggerKeyed(TENANT_WORK, "big", 500);
    await().atMost(TIMEOUT).until(() -> START_ORDER.size() >= 3);
    int startsBeforeSmall = START_ORDER.size();
    List<String> small = triggerKeyed(TENANT_WORK, "small", 5);

    awaitAll(small);

    // Round robin: while both keys have due runs, the big key never starts two runs in a row
    // unless the small key is at its own limit (2 executing). So after the small key's trigger, at
    // most one big start precedes each small start, plus the big runs that were already
    // executing: the 5th small start comes within 2 * 5 + 3 starts, not after 500.
    List<String> after = START_ORDER.subList(startsBeforeSmall, START_ORDER.size());
    int lastSmall = after.lastIndexOf("small");
    assertThat(after.subList(0, lastSmall + 1).stream().filter("big"::equals).count())
        .as("big starts before the last small start")
        .isLessThanOrEqualTo(2 * 5 + 3);
    assertThat(peak("tenant-work")).as("total running").isEqualTo(3);
    assertThat(peak("tenant-work/big")).as("running of the big key").isEqualTo(2);
    assertThat(peak("tenant-work/small")).as("running of the small key").isLessThanOrEqualTo(2);

    QueueInfo queue = client.queues().get("tenants");
    assertThat(queue.totalConcurrencyLimit()).isEqualTo(3);
    assertThat(queue.keyCount()).isGreaterThanOrEqualTo(1);
    assertThat(queue.keys()).extracting(QueueInfo.KeyInfo::key).contains("big");
    client.queues().pause("tenants"); // the rest of the big backlog is not the point
  }

  @Test
  void aTotalLimitHoldsAcrossManyKeys() throws Exception {
    startWorker(20, MANY_KEYS);
    startWorkerOnOtherNode(20, MANY_KEYS);
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      ids.addAll(triggerKeyed(MANY_KEYS, "k" + k, 6));
    }

    awaitAll(ids);

    assertThat(peak("many-keys")).as("total running").isEqualTo(4);
    assertThat(START_ORDER).hasSize(60);
  }

  @Test
  void aPerKeyRateLimitHoldsForEachKeyButNotAcrossThem() throws Exception {
    startWorker(20, PER_KEY_RATE);
    startWorkerOnOtherNode(20, PER_KEY_RATE);
    List<String> ids = new ArrayList<>(triggerKeyed(PER_KEY_RATE, "a", 6));
    ids.addAll(triggerKeyed(PER_KEY_RATE, "b", 6));

    awaitAll(ids);

    long window = Duration.ofMillis(900).toNanos(); // the server's window is 1 s
    int most = 0;
    for (String key : List.of("a", "b")) {
      List<Long> starts =
          STARTS.stream().filter(s -> s[1] == key.hashCode()).map(s -> s[0]).sorted().toList();
      assertThat(starts).hasSize(6);
      for (long from : starts) {
        long n = starts.stream().filter(t -> t >= from && t < from + window).count();
        assertThat(n).as("starts of key %s within 0.9 s", key).isLessThanOrEqualTo(3);
      }
    }
    List<Long> all = STARTS.stream().map(s -> s[0]).sorted().toList();
    for (long from : all) {
      most = (int) Math.max(most, all.stream().filter(t -> t >= from && t < from + window).count());
    }
    assertThat(most).as("both keys start in the same window: the limit is per key").isEqualTo(6);
  }

  @Test
  void theEnvironmentCapHoldsAcrossQueues() throws Exception {
    client.queues().setEnvironmentConcurrencyLimit(2);
    assertThat(client.queues().environmentConcurrencyLimit()).isEqualTo(2);
    startWorker(20, UNLIMITED, LIMITED_TOO);
    startWorkerOnOtherNode(20, UNLIMITED, LIMITED_TOO);
    List<String> ids = new ArrayList<>(triggerKeyed(UNLIMITED, "x", 8));
    ids.addAll(triggerKeyed(LIMITED_TOO, "y", 8));

    awaitAll(ids);

    assertThat(peak("all")).as("runs executing at once in the environment").isEqualTo(2);
    client.queues().setEnvironmentConcurrencyLimit(null);
    assertThat(client.queues().environmentConcurrencyLimit()).isNull();
    expectError(post("/api/v1/environment/concurrency", "{\"limit\": 0}"), 400, "invalid_limit");
  }

  @Test
  void badConcurrencyKeysAreClearErrors() throws Exception {
    startWorker(TENANT_WORK);
    expectError(
        post(
            "/api/v1/tasks/tenant-work/trigger",
            "{\"payload\":{\"tenant\":\"t\",\"n\":1},\"options\":{\"concurrencyKey\":\"\"}}"),
        400,
        "invalid_options");
    expectError(
        post(
            "/api/v1/tasks/tenant-work/trigger",
            "{\"payload\":{\"tenant\":\"t\",\"n\":1},\"options\":{\"concurrencyKey\":\""
                + "x".repeat(129)
                + "\"}}"),
        400,
        "invalid_options");
    RunHandle<Integer> h =
        client.trigger(TENANT_WORK, new Job("t", 1), TriggerOptions.concurrencyKey("customer-42"));
    Run<Integer> run = client.runs().awaitCompletion(h, TIMEOUT);
    assertThat(run.concurrencyKey()).isEqualTo("customer-42");
  }

  // --- idempotency key scopes inside a task ------------------------------------------------

  record Trigger(String scope, String key) {}

  static final Map<String, List<String>> CHILDREN_TRIGGERED = new ConcurrentHashMap<>();

  static final Task<Job, Integer> CHILD =
      Task.define("scoped-child", Job.class, Integer.class).run((job, ctx) -> job.n());

  /** Triggers a child with a key in the given scope on every attempt, failing the first. */
  static final Task<Trigger, String> TRIGGERS_CHILD =
      Task.define("triggers-child", Trigger.class, String.class)
          .retry(
              dev.errand.sdk.RetryPolicy.exponential()
                  .maxAttempts(2)
                  .minDelay(Duration.ofMillis(10))
                  .maxDelay(Duration.ofMillis(10))
                  .build())
          .run(
              (t, ctx) -> {
                String childId =
                    taskClient
                        .trigger(
                            CHILD,
                            new Job("c", 1),
                            TriggerOptions.NONE.withIdempotencyKey(
                                t.key(), IdempotencyKeyScope.valueOf(t.scope())))
                        .id();
                CHILDREN_TRIGGERED
                    .computeIfAbsent(
                        ctx.runId() + "/" + t.scope(), k -> new CopyOnWriteArrayList<>())
                    .add(childId);
                if (ctx.attempt() == 1) {
                  throw new IllegalStateException("fail the first attempt");
                }
                return childId;
              });

  @Test
  void anIdempotencyKeyInsideATaskIsScopedToTheRunByDefault() {
    startWorker(TRIGGERS_CHILD, CHILD);
    String key = unique("child");
    Run<String> first = triggerAndAwait("RUN", key);
    Run<String> second = triggerAndAwait("RUN", key);

    assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
    List<String> firstChildren = CHILDREN_TRIGGERED.get(first.id() + "/RUN");
    assertThat(firstChildren).hasSize(2).containsOnly(first.output()); // the retry got the same
    assertThat(second.output()).isNotEqualTo(first.output()); // another run: its own child
  }

  @Test
  void anAttemptScopedKeyTriggersAgainOnRetryAndAGlobalKeyIsShared() {
    startWorker(TRIGGERS_CHILD, CHILD);
    Run<String> attempt = triggerAndAwait("ATTEMPT", unique("a"));
    assertThat(CHILDREN_TRIGGERED.get(attempt.id() + "/ATTEMPT"))
        .hasSize(2)
        .doesNotHaveDuplicates();

    String key = unique("g");
    Run<String> one = triggerAndAwait("GLOBAL", key);
    Run<String> two = triggerAndAwait("GLOBAL", key);
    assertThat(two.output()).isEqualTo(one.output());
    assertThat(client.runs().get(one.output()).idempotencyKey()).isEqualTo(key);
  }

  private Run<String> triggerAndAwait(String scope, String key) {
    return client
        .runs()
        .awaitCompletion(client.trigger(TRIGGERS_CHILD, new Trigger(scope, key)), TIMEOUT);
  }
}
