package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.RunStatus;
import dev.errand.server.store.AttemptOutcome.Kind;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.ExpiredLease;
import dev.errand.server.store.Store.InsertResult;
import dev.errand.server.store.Store.LeaseRef;
import dev.errand.server.store.Store.OutcomeResult;
import dev.errand.server.store.Store.RunFilter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Store} must keep, run against each implementation by a subclass. Each
 * test works in a fresh environment of the subclass's database, with a store opened for it.
 */
abstract class StoreContractTest {

  static final Duration LONG_LEASE = Duration.ofMinutes(5);
  static final String PAYLOAD =
      "{ \"to\" : \"ünïcødé 😀\",\n  \"n\": 1.50, \"nested\": {\"a\": [1, 2]} }";

  Store store;
  Environment env;

  /** Opens a store on this test class's database: the same database every time. */
  abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    env = store.ensureEnvironment("p-" + UUID.randomUUID(), "prod");
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // --- helpers -------------------------------------------------------------------------

  NewRun run(String task) {
    return new NewRun(
        TestIds.next(), env.id(), task, "default", PAYLOAD, 3, List.of(), null, 0, null);
  }

  NewRun run(String task, int maxAttempts, List<String> tags, String key, long delayMillis) {
    return new NewRun(
        TestIds.next(),
        env.id(),
        task,
        "q-" + task,
        PAYLOAD,
        maxAttempts,
        tags,
        key,
        delayMillis,
        null);
  }

  UUID insert(NewRun run) {
    InsertResult result = store.insertRuns(List.of(run)).get(0);
    assertThat(result.created()).isTrue();
    return result.runId();
  }

  RunRecord find(UUID runId) {
    return store.findRun(env.id(), runId).orElseThrow();
  }

  ClaimedRun claimOne(String task, Duration lease) {
    List<ClaimedRun> claimed = store.claim(env.id(), List.of(task), "worker-1", 1, lease);
    assertThat(claimed).hasSize(1);
    return claimed.get(0);
  }

  static AttemptOutcome success(ClaimedRun c, String output) {
    return new AttemptOutcome(
        c.runId(), c.leaseToken(), c.attempt(), Kind.SUCCEEDED, output, null, false, 0, null);
  }

  static AttemptOutcome failure(
      ClaimedRun c, String error, boolean retryable, long delayMillis, RunStatus exhausted) {
    return new AttemptOutcome(
        c.runId(),
        c.leaseToken(),
        c.attempt(),
        Kind.FAILED,
        null,
        error,
        retryable,
        delayMillis,
        exhausted);
  }

  static AttemptOutcome leaseExpired(ExpiredLease lease, String error) {
    return new AttemptOutcome(
        lease.runId(),
        lease.leaseToken(),
        lease.attempt(),
        Kind.LEASE_EXPIRED,
        null,
        error,
        true,
        0,
        null);
  }

  OutcomeResult finish(AttemptOutcome outcome) {
    return store.finishAttempts(env.id(), List.of(outcome)).get(0);
  }

  ExpiredLease awaitExpired(UUID runId) {
    AtomicReference<ExpiredLease> found = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              store.findExpiredLeases(1000).stream()
                  .filter(l -> l.runId().equals(runId))
                  .findFirst()
                  .ifPresent(found::set);
              return found.get() != null;
            });
    return found.get();
  }

  static <T> List<T> concurrently(int threads, Callable<T> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return work.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // --- basics --------------------------------------------------------------------------

  @Test
  void isReachableAndTellsTheDatabaseTime() {
    assertThat(store.isReachable()).isTrue();
    assertThat(store.now()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
  }

  @Test
  void testsRunWithANonUtcTimeZone() {
    // Sessions take the JVM's zone; the build sets TZ=America/Sao_Paulo so that a timestamp
    // mapped through the local zone anywhere would show up as a 3 hour error.
    assertThat(TimeZone.getDefault().getRawOffset()).isNotZero();
  }

  @Test
  void ensureEnvironmentIsIdempotentAndSafeUnderConcurrency() throws Exception {
    String project = "race-" + UUID.randomUUID();
    List<Environment> results = concurrently(6, () -> store.ensureEnvironment(project, "staging"));
    assertThat(new HashSet<>(results)).hasSize(1);
    Environment staging = results.get(0);
    assertThat(staging.projectSlug()).isEqualTo(project);
    assertThat(staging.slug()).isEqualTo("staging");

    Environment prod = store.ensureEnvironment(project, "prod");
    assertThat(prod.projectId()).isEqualTo(staging.projectId());
    assertThat(prod.id()).isNotEqualTo(staging.id());
    assertThat(store.ensureEnvironment(project, "prod")).isEqualTo(prod);
  }

  @Test
  void apiKeysFindTheirEnvironmentAndAreStoredOnce() throws Exception {
    String hash = "sha256:" + UUID.randomUUID();
    concurrently(
        4,
        () -> {
          store.ensureApiKey(env.id(), hash, "tr_prod_abc", "abcd");
          return null;
        });
    Environment other = store.ensureEnvironment(env.projectSlug(), "dev");
    store.ensureApiKey(other.id(), hash, "tr_dev_abc", "abcd"); // already stored: left as it is

    assertThat(store.findEnvironmentByKeyHash(hash)).contains(env);
    assertThat(store.findEnvironmentByKeyHash("sha256:unknown")).isEmpty();
  }

  @Test
  void upsertsTaskDefinitions() {
    store.upsertTasks(
        env.id(),
        List.of(
            new TaskRecord("send-email", "emails", 3, "{\"maxAttempts\":3}", null, null),
            new TaskRecord(
                "resize", "images", 5, "{\"maxAttempts\":5}", "{\"type\":\"object\"}", null)));
    TaskRecord first = store.findTask(env.id(), "send-email").orElseThrow();
    assertThat(first.queue()).isEqualTo("emails");
    assertThat(first.maxAttempts()).isEqualTo(3);
    assertThat(first.retryPolicyJson()).isEqualTo("{\"maxAttempts\":3}");
    assertThat(first.payloadSchemaJson()).isNull();
    assertThat(first.updatedAt()).isNotNull();
    assertThat(store.findTask(env.id(), "resize").orElseThrow().payloadSchemaJson())
        .isEqualTo("{\"type\":\"object\"}");

    store.upsertTasks(
        env.id(),
        List.of(new TaskRecord("send-email", "mail", 7, "{\"maxAttempts\":7}", "{}", null)));
    TaskRecord replaced = store.findTask(env.id(), "send-email").orElseThrow();
    assertThat(replaced.queue()).isEqualTo("mail");
    assertThat(replaced.maxAttempts()).isEqualTo(7);
    assertThat(replaced.payloadSchemaJson()).isEqualTo("{}");
    assertThat(replaced.updatedAt()).isAfterOrEqualTo(first.updatedAt());
    assertThat(store.findTask(env.id(), "unknown")).isEmpty();
  }

  // --- inserting and reading runs ------------------------------------------------------

  @Test
  void insertedRunRoundTripsExactly() {
    UUID replayed = TestIds.next();
    NewRun newRun =
        new NewRun(
            TestIds.next(),
            env.id(),
            "send-email",
            "emails",
            PAYLOAD,
            4,
            List.of("user:42", "ünï tag", "a,b"),
            "key-1",
            0,
            replayed);
    UUID id = insert(newRun);
    Instant now = store.now();

    RunRecord run = find(id);
    assertThat(run.id()).isEqualTo(newRun.id());
    assertThat(run.environmentId()).isEqualTo(env.id());
    assertThat(run.taskId()).isEqualTo("send-email");
    assertThat(run.queue()).isEqualTo("emails");
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.payloadJson()).isEqualTo(PAYLOAD);
    assertThat(run.outputJson()).isNull();
    assertThat(run.errorJson()).isNull();
    assertThat(run.attemptCount()).isZero();
    assertThat(run.maxAttempts()).isEqualTo(4);
    assertThat(run.tags()).containsExactly("user:42", "ünï tag", "a,b");
    assertThat(run.idempotencyKey()).isEqualTo("key-1");
    assertThat(run.replayOf()).isEqualTo(replayed);
    assertThat(run.createdAt()).isBeforeOrEqualTo(now).isAfter(now.minusSeconds(60));
    assertThat(run.availableAt()).isEqualTo(run.createdAt());
    assertThat(run.startedAt()).isNull();
    assertThat(run.finishedAt()).isNull();
    assertThat(run.leaseWorkerId()).isNull();
    assertThat(run.leaseToken()).isZero();
    assertThat(run.leaseExpiresAt()).isNull();
    assertThat(run.version()).isZero();
    assertThat(store.findAttempts(id)).isEmpty();

    assertThat(store.findRun(store.ensureEnvironment(env.projectSlug(), "other").id(), id))
        .isEmpty();
    assertThat(store.findRun(env.id(), TestIds.next())).isEmpty();
  }

  NewRun runWithMetadata(String task, String metadataJson) {
    NewRun r = run(task);
    return new NewRun(
        r.id(),
        r.environmentId(),
        r.taskId(),
        r.queue(),
        r.payloadJson(),
        r.maxAttempts(),
        r.tags(),
        null,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        "",
        metadataJson);
  }

  @Test
  void metadataRoundTripsThroughInsertFindListAndDebounce() {
    String metadata = "{\"customer\":\"ünï €\",\"n\":[1,2.5],\"deep\":{\"ok\":true}}";
    UUID with = insert(runWithMetadata("meta", metadata));
    UUID without = insert(run("meta"));
    assertThat(find(with).metadataJson()).isEqualTo(metadata);
    assertThat(find(without).metadataJson()).isNull();
    assertThat(store.listRuns(env.id(), new RunFilter(null, "meta", null, null, null, null), 10))
        .extracting(RunRecord::id, RunRecord::metadataJson)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(with, metadata),
            org.assertj.core.groups.Tuple.tuple(without, null));

    // a debounced trigger inserts its metadata, and a later one with the key replaces it
    UUID debounced = store.debounce(runWithMetadata("deb", "{\"n\":1}"), "k", 60_000, null).runId();
    assertThat(find(debounced).metadataJson()).isEqualTo("{\"n\":1}");
    InsertResult again = store.debounce(runWithMetadata("deb", "{\"n\":2}"), "k", 60_000, null);
    assertThat(again.runId()).isEqualTo(debounced);
    assertThat(again.created()).isFalse();
    assertThat(find(debounced).metadataJson()).isEqualTo("{\"n\":2}");
    store.debounce(runWithMetadata("deb", null), "k", 60_000, null);
    assertThat(find(debounced).metadataJson()).isNull();
  }

  @Test
  void delayedRunIsDueAfterItsDelayByTheDatabaseClock() {
    UUID id = insert(run("report", 1, List.of(), null, 90_000));
    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.DELAYED);
    assertThat(run.availableAt()).isEqualTo(run.createdAt().plusSeconds(90));
    assertThat(run.tags()).isEmpty();
  }

  @Test
  void instantsRoundTripToTheMicrosecond() {
    UUID id = insert(run("clock"));
    Instant createdAt = find(id).createdAt();
    assertThat(createdAt.getNano() % 1000).isZero();

    RunFilter from = new RunFilter(null, "clock", null, createdAt, null, null);
    RunFilter toExclusive = new RunFilter(null, "clock", null, null, createdAt, null);
    RunFilter toNextMicro =
        new RunFilter(null, "clock", null, null, createdAt.plus(1, ChronoUnit.MICROS), null);
    assertThat(store.listRuns(env.id(), from, 10)).extracting(RunRecord::id).containsExactly(id);
    assertThat(store.listRuns(env.id(), toExclusive, 10)).isEmpty();
    assertThat(store.listRuns(env.id(), toNextMicro, 10))
        .extracting(RunRecord::id)
        .containsExactly(id);
  }

  @Test
  void sameIdempotencyKeyNamesTheExistingRun() {
    NewRun first = run("charge", 3, List.of(), "order-17", 0);
    UUID id = insert(first);

    NewRun again = run("charge", 3, List.of(), "order-17", 0);
    assertThat(store.insertRuns(List.of(again))).containsExactly(new InsertResult(id, false));
    assertThat(store.findRun(env.id(), again.id())).isEmpty();

    // Keys are per task and per environment.
    assertThat(
            store.insertRuns(List.of(run("refund", 3, List.of(), "order-17", 0))).get(0).created())
        .isTrue();
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    NewRun elsewhere =
        new NewRun(
            TestIds.next(), other.id(), "charge", "q", PAYLOAD, 3, List.of(), "order-17", 0, null);
    assertThat(store.insertRuns(List.of(elsewhere)))
        .containsExactly(new InsertResult(elsewhere.id(), true));
  }

  @Test
  void sameIdempotencyKeyTwiceInOneBatchYieldsOneRun() {
    NewRun a = run("charge", 3, List.of(), "k", 0);
    NewRun b = run("charge", 3, List.of(), "k", 0);
    NewRun c = run("charge", 3, List.of(), null, 0);
    NewRun d = run("charge", 3, List.of(), "other", 0);
    assertThat(store.insertRuns(List.of(a, b, c, d)))
        .containsExactly(
            new InsertResult(a.id(), true),
            new InsertResult(a.id(), false),
            new InsertResult(c.id(), true),
            new InsertResult(d.id(), true));
    assertThat(store.findRun(env.id(), b.id())).isEmpty();
  }

  @Test
  void concurrentInsertsWithOneKeyCreateOneRun() throws Exception {
    List<InsertResult> results =
        concurrently(
            6, () -> store.insertRuns(List.of(run("charge", 3, List.of(), "race", 0))).get(0));
    assertThat(results).filteredOn(InsertResult::created).hasSize(1);
    assertThat(results).extracting(InsertResult::runId).containsOnly(results.get(0).runId());
  }

  @Test
  void insertsABatchOfAThousandInOneTransaction() {
    List<NewRun> runs =
        IntStream.range(0, 1000)
            .mapToObj(i -> run("bulk", 3, List.of("t" + i % 3), "k" + i, 0))
            .toList();
    List<InsertResult> results = store.insertRuns(runs);
    assertThat(results).hasSize(1000).allMatch(InsertResult::created);
    assertThat(results)
        .extracting(InsertResult::runId)
        .containsExactlyElementsOf(runs.stream().map(NewRun::id).toList());
    assertThat(store.listRuns(env.id(), new RunFilter(null, "bulk", null, null, null, null), 2000))
        .hasSize(1000);
  }

  @Test
  void aFailingRunInsertsNoneOfItsBatch() {
    List<NewRun> runs =
        new ArrayList<>(IntStream.range(0, 10).mapToObj(i -> run("atomic")).toList());
    NewRun clash = runs.get(0);
    runs.add(new NewRun(clash.id(), env.id(), "atomic", "q", "{}", 1, List.of(), null, 0, null));

    assertThatThrownBy(() -> store.insertRuns(runs))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("insert 11 run(s)")
        .hasMessageContaining("SQLState 23505");
    assertThat(store.listRuns(env.id(), new RunFilter(null, "atomic", null, null, null, null), 100))
        .isEmpty();
  }

  // --- claiming ------------------------------------------------------------------------

  // --- concurrency keys ------------------------------------------------------------------

  /** Registers task {@code task} on queue {@code queue} with these limits. */
  void limitedQueue(String task, String queue, Integer perKey, Integer total) {
    store.upsertTasks(
        env.id(),
        List.of(
            new TaskRecord(
                task,
                queue,
                3,
                "{\"maxAttempts\":3}",
                null,
                null,
                null,
                perKey,
                null,
                null,
                total,
                false)));
  }

  UUID insertKeyed(String task, String queue, String key) {
    return insertKeyed(task, queue, key, 0);
  }

  UUID insertKeyed(String task, String queue, String key, long delayMillis) {
    return insert(
        new NewRun(
            TestIds.next(),
            env.id(),
            task,
            queue,
            PAYLOAD,
            3,
            List.of(),
            null,
            delayMillis,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            0,
            key));
  }

  List<String> claimKeys(String task, String queue, Store.QueueLimits limits, int max) {
    return store
        .claimInQueue(env.id(), queue, limits, List.of(task), "w", max, LONG_LEASE, null)
        .stream()
        .map(c -> find(c.runId()).concurrencyKey())
        .toList();
  }

  @Test
  void aKeyedClaimGivesEachKeyItsLimitAndTheTotalCapsThemAll() {
    limitedQueue("sync", "tenants", 2, 5);
    for (String key : List.of("a", "b", "c")) {
      for (int i = 0; i < 4; i++) {
        insertKeyed("sync", "tenants", key);
      }
    }
    Store.QueueLimits limits = new Store.QueueLimits(2, 5, null, null, false);

    List<String> first = claimKeys("sync", "tenants", limits, 100);

    assertThat(first).hasSize(5);
    assertThat(first.stream().filter("a"::equals).count()).isEqualTo(2);
    assertThat(first.stream().filter("b"::equals).count()).isEqualTo(2);
    assertThat(first.stream().filter("c"::equals).count()).isEqualTo(1);
    assertThat(claimKeys("sync", "tenants", limits, 100)).as("the total is full").isEmpty();
    assertThat(store.findQueue(env.id(), "tenants").orElseThrow().keys())
        .extracting(QueueRecord.KeyCounts::key, QueueRecord.KeyCounts::running)
        .containsExactlyInAnyOrder(tuple("a", 2L), tuple("b", 2L), tuple("c", 1L));
  }

  @Test
  void keysTakeTurnsAcrossClaimsWhateverTheirBacklog() {
    limitedQueue("sync", "turns", 100, null);
    for (int i = 0; i < 6; i++) {
      insertKeyed("sync", "turns", "big");
    }
    insertKeyed("sync", "turns", "small");
    insertKeyed("sync", "turns", "small");
    Store.QueueLimits limits = new Store.QueueLimits(100, null, null, null, false);

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.addAll(claimKeys("sync", "turns", limits, 1));
    }

    assertThat(order).containsExactly("big", "small", "big", "small", "big", "big");
  }

  @Test
  void aClaimServesKeysRoundRobinAndTheNextClaimGoesOnAfterTheLastKeyServed() {
    limitedQueue("sync", "robin", 100, null);
    for (int i = 0; i < 3; i++) {
      for (String key : List.of("a", "b", "c")) {
        insertKeyed("sync", "robin", key);
      }
    }
    Store.QueueLimits limits = new Store.QueueLimits(100, null, null, null, false);

    // a, b, c, a, b, c, a: the claim's last slot went to a
    assertThat(claimKeys("sync", "robin", limits, 7))
        .containsExactlyInAnyOrder("a", "a", "a", "b", "b", "c", "c");
    assertThat(claimKeys("sync", "robin", limits, 1)).containsExactly("b");
    assertThat(claimKeys("sync", "robin", limits, 1)).containsExactly("c");
    // a has nothing left: the turn wraps around to b
    assertThat(claimKeys("sync", "robin", limits, 1)).isEmpty();
  }

  @Test
  void slotsAKeyCannotUseGoToTheOtherKeysInTheSameClaim() {
    limitedQueue("sync", "short", 100, null);
    insertKeyed("sync", "short", "a");
    for (int i = 0; i < 10; i++) {
      insertKeyed("sync", "short", "b");
    }
    Store.QueueLimits limits = new Store.QueueLimits(100, null, null, null, false);

    List<String> claimed = claimKeys("sync", "short", limits, 6);

    assertThat(claimed).hasSize(6);
    assertThat(claimed.stream().filter("a"::equals).count()).isEqualTo(1);
  }

  @Test
  void keysWithOnlyDelayedRunsOrOtherTasksRunsDoNotTakeTheSlotsOfKeysWithDueRuns() {
    limitedQueue("sync", "mixed-due", 100, null);
    limitedQueue("other", "mixed-due", 100, null);
    insertKeyed("sync", "mixed-due", "a");
    insertKeyed("sync", "mixed-due", "b", 60_000); // delayed
    insertKeyed("other", "mixed-due", "c"); // another task's
    insertKeyed("sync", "mixed-due", "d", 60_000);
    insertKeyed("sync", "mixed-due", "e");
    insertKeyed("sync", "mixed-due", "f");
    Store.QueueLimits limits = new Store.QueueLimits(100, null, null, null, false);

    assertThat(claimKeys("sync", "mixed-due", limits, 3)).containsExactlyInAnyOrder("a", "e", "f");
    assertThat(claimKeys("sync", "mixed-due", limits, 3)).isEmpty();
  }

  @Test
  void runsWithoutAKeyAreOneMoreKey() {
    limitedQueue("sync", "mixed", 1, null);
    insertKeyed("sync", "mixed", null);
    insertKeyed("sync", "mixed", null);
    insertKeyed("sync", "mixed", "t");
    Store.QueueLimits limits = new Store.QueueLimits(1, null, null, null, false);

    assertThat(claimKeys("sync", "mixed", limits, 10)).containsExactlyInAnyOrder("", "t");
    assertThat(claimKeys("sync", "mixed", limits, 10)).isEmpty();
  }

  @Test
  void claimTakesOnlyDueRunsOfTheGivenTasksOldestFirst() {
    UUID a1 = insert(run("a", 3, List.of("x"), null, 0));
    UUID b1 = insert(run("b"));
    UUID delayed = insert(run("a", 3, List.of(), null, 60_000));
    UUID a2 = insert(run("a"));
    UUID a3 = insert(run("a"));
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    store.insertRuns(
        List.of(
            new NewRun(TestIds.next(), other.id(), "a", "q", "{}", 1, List.of(), null, 0, null)));

    List<ClaimedRun> claimed = store.claim(env.id(), List.of("a"), "worker-1", 2, LONG_LEASE);
    assertThat(claimed).extracting(ClaimedRun::runId).containsExactly(a1, a2);
    ClaimedRun first = claimed.get(0);
    assertThat(first.taskId()).isEqualTo("a");
    assertThat(first.payloadJson()).isEqualTo(PAYLOAD);
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.leaseToken()).isEqualTo(1);
    assertThat(first.tags()).containsExactly("x");

    RunRecord run = find(a1);
    assertThat(run.status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(run.attemptCount()).isEqualTo(1);
    assertThat(run.leaseWorkerId()).isEqualTo("worker-1");
    assertThat(run.leaseToken()).isEqualTo(1);
    assertThat(run.startedAt()).isNotNull();
    assertThat(run.leaseExpiresAt()).isEqualTo(run.startedAt().plus(LONG_LEASE));
    assertThat(run.version()).isEqualTo(1);
    assertThat(store.findAttempts(a1))
        .containsExactly(
            new AttemptRecord(a1, 1, "EXECUTING", "worker-1", run.startedAt(), null, null));

    assertThat(store.claim(env.id(), List.of("a", "b"), "worker-2", 10, LONG_LEASE))
        .extracting(ClaimedRun::runId)
        .containsExactly(b1, a3);
    assertThat(store.claim(env.id(), List.of("a", "b"), "worker-2", 10, LONG_LEASE)).isEmpty();
    assertThat(find(delayed).status()).isEqualTo(RunStatus.DELAYED);
  }

  @Test
  void delayedRunIsClaimedOnlyOnceDue() {
    UUID id = insert(run("later", 3, List.of(), null, 400));
    assertThat(store.claim(env.id(), List.of("later"), "w", 10, LONG_LEASE)).isEmpty();

    AtomicReference<List<ClaimedRun>> claimed = new AtomicReference<>(List.of());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(25))
        .until(
            () -> {
              claimed.set(store.claim(env.id(), List.of("later"), "w", 10, LONG_LEASE));
              return !claimed.get().isEmpty();
            });
    assertThat(claimed.get()).extracting(ClaimedRun::runId).containsExactly(id);
    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(run.startedAt()).isAfterOrEqualTo(run.availableAt());
  }

  @Test
  void concurrentClaimsNeverReturnARunTwice() throws Exception {
    List<NewRun> runs = IntStream.range(0, 500).mapToObj(i -> run("hot")).toList();
    store.insertRuns(runs);
    ConcurrentLinkedQueue<UUID> claimed = new ConcurrentLinkedQueue<>();
    concurrently(
        4,
        () -> {
          String worker = "worker-" + Thread.currentThread().getName();
          List<ClaimedRun> batch;
          do {
            batch = store.claim(env.id(), List.of("hot"), worker, 20, LONG_LEASE);
            batch.forEach(c -> claimed.add(c.runId()));
          } while (!batch.isEmpty());
          return null;
        });
    assertThat(claimed).hasSize(500).doesNotHaveDuplicates();
    assertThat(new HashSet<>(claimed))
        .isEqualTo(new HashSet<>(runs.stream().map(NewRun::id).toList()));
    assertThat(
            store.listRuns(
                env.id(), new RunFilter(RunStatus.EXECUTING, "hot", null, null, null, null), 1000))
        .hasSize(500)
        .allMatch(r -> r.attemptCount() == 1 && r.leaseToken() == 1);
  }

  @Test
  void nextDueAtIsTheEarliestUnclaimedRunOfTheTasks() {
    assertThat(store.nextDueAt(env.id(), List.of("n"))).isEmpty();
    UUID later = insert(run("n", 3, List.of(), null, 120_000));
    UUID sooner = insert(run("n", 3, List.of(), null, 60_000));
    insert(run("other-task"));
    assertThat(store.nextDueAt(env.id(), List.of("n"))).contains(find(sooner).availableAt());

    UUID now = insert(run("n"));
    assertThat(store.nextDueAt(env.id(), List.of("n", "x"))).contains(find(now).availableAt());
    claimOne("n", LONG_LEASE);
    assertThat(store.nextDueAt(env.id(), List.of("n"))).contains(find(sooner).availableAt());
    assertThat(find(later).status()).isEqualTo(RunStatus.DELAYED);
  }

  // --- leases --------------------------------------------------------------------------

  @Test
  void heartbeatExtendsLiveLeasesAndReportsLostOnes() {
    insert(run("hb"));
    insert(run("hb"));
    ClaimedRun live = claimOne("hb", Duration.ofSeconds(5));
    ClaimedRun canceled = claimOne("hb", Duration.ofSeconds(5));
    store.cancel(env.id(), canceled.runId());
    Instant before = find(live.runId()).leaseExpiresAt();
    UUID unknown = TestIds.next();

    Set<UUID> lost =
        store.heartbeat(
            env.id(),
            List.of(
                new LeaseRef(live.runId(), live.leaseToken()),
                new LeaseRef(canceled.runId(), canceled.leaseToken()),
                new LeaseRef(unknown, 1)),
            Duration.ofMinutes(10));
    assertThat(lost).containsExactlyInAnyOrder(canceled.runId(), unknown);
    RunRecord run = find(live.runId());
    assertThat(run.leaseExpiresAt()).isAfter(before.plus(Duration.ofMinutes(9)));
    assertThat(run.status()).isEqualTo(RunStatus.EXECUTING);

    assertThat(
            store.heartbeat(
                env.id(), List.of(new LeaseRef(live.runId(), live.leaseToken() + 1)), LONG_LEASE))
        .containsExactly(live.runId());
  }

  @Test
  void aMixedBatchOfOutcomesIsAppliedPerOutcomeInOrder() {
    for (int i = 0; i < 4; i++) {
      insert(run("mixed"));
    }
    List<ClaimedRun> c = store.claim(env.id(), List.of("mixed"), "worker-1", 4, LONG_LEASE);
    assertThat(c).hasSize(4);
    ClaimedRun stale = c.get(3);

    List<OutcomeResult> results =
        store.finishAttempts(
            env.id(),
            List.of(
                success(c.get(0), "{\"n\":0}"),
                failure(c.get(1), "{\"type\":\"E\"}", true, 60_000, RunStatus.FAILED),
                success(c.get(2), "{\"n\":2}"),
                new AttemptOutcome(
                    stale.runId(),
                    stale.leaseToken() + 1,
                    stale.attempt(),
                    Kind.SUCCEEDED,
                    "{}",
                    null,
                    false,
                    0,
                    null)));

    assertThat(results)
        .extracting(OutcomeResult::runId)
        .containsExactly(c.get(0).runId(), c.get(1).runId(), c.get(2).runId(), stale.runId());
    assertThat(results)
        .extracting(OutcomeResult::accepted)
        .containsExactly(true, true, true, false);
    assertThat(results)
        .extracting(OutcomeResult::status)
        .containsExactly(
            RunStatus.COMPLETED, RunStatus.QUEUED, RunStatus.COMPLETED, RunStatus.EXECUTING);
    assertThat(find(c.get(2).runId()).outputJson()).isEqualTo("{\"n\":2}");
    assertThat(store.findAttempts(c.get(0).runId()))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("COMPLETED"));
    assertThat(store.findAttempts(stale.runId()))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("EXECUTING"));
    assertThat(find(stale.runId()).outputJson()).isNull();
  }

  @Test
  void anotherEnvironmentCanNeitherHeartbeatNorFinishARun() {
    insert(run("scoped"));
    ClaimedRun claimed = claimOne("scoped", Duration.ofSeconds(5));
    Environment other = store.ensureEnvironment(env.projectSlug(), "intruder");

    assertThat(
            store.heartbeat(
                other.id(),
                List.of(new LeaseRef(claimed.runId(), claimed.leaseToken())),
                LONG_LEASE))
        .containsExactly(claimed.runId());
    OutcomeResult forged =
        store
            .finishAttempts(
                other.id(),
                List.of(
                    new AttemptOutcome(
                        claimed.runId(),
                        claimed.leaseToken(),
                        claimed.attempt(),
                        Kind.SUCCEEDED,
                        "\"forged\"",
                        null,
                        false,
                        0,
                        null)))
            .getFirst();

    assertThat(forged.accepted()).isFalse();
    RunRecord run = find(claimed.runId());
    assertThat(run.status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(run.outputJson()).isNull();
  }

  @Test
  void expiredLeaseIsFoundAndCrashesTheAttempt() {
    UUID id = insert(run("flaky", 2, List.of(), null, 0));
    ClaimedRun first = claimOne("flaky", Duration.ofMillis(1));
    ExpiredLease expired = awaitExpired(id);
    assertThat(expired)
        .isEqualTo(new ExpiredLease(id, env.id(), first.leaseToken(), 1, "worker-1"));

    OutcomeResult requeued = finish(leaseExpired(expired, "{\"type\":\"LeaseExpired\"}"));
    assertThat(requeued.accepted()).isTrue();
    assertThat(requeued.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(requeued.availableAt()).isBeforeOrEqualTo(store.now());
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("CRASHED");
              assertThat(a.errorJson()).isEqualTo("{\"type\":\"LeaseExpired\"}");
              assertThat(a.finishedAt()).isNotNull();
            });
    RunRecord run = find(id);
    assertThat(run.leaseWorkerId()).isNull();
    assertThat(run.leaseExpiresAt()).isNull();
    assertThat(run.finishedAt()).isNull();
    assertThat(finish(leaseExpired(expired, "{}")).accepted()).isFalse();

    ClaimedRun second = claimOne("flaky", Duration.ofMillis(1));
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.leaseToken()).isEqualTo(first.leaseToken() + 1);
    OutcomeResult crashed = finish(leaseExpired(awaitExpired(id), "{\"type\":\"LeaseExpired\"}"));
    assertThat(crashed.status()).isEqualTo(RunStatus.CRASHED);
    assertThat(find(id).finishedAt()).isNotNull();
    assertThat(store.findAttempts(id))
        .extracting(AttemptRecord::status)
        .containsExactly("CRASHED", "CRASHED");
  }

  @Test
  void leaseExpiredOutcomeIsRejectedWhileTheLeaseLives() {
    UUID id = insert(run("alive"));
    ClaimedRun claimed = claimOne("alive", LONG_LEASE);
    ExpiredLease notExpired = new ExpiredLease(id, env.id(), claimed.leaseToken(), 1, "worker-1");
    OutcomeResult result = finish(leaseExpired(notExpired, "{}"));
    assertThat(result.accepted()).isFalse();
    assertThat(result.status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(store.findExpiredLeases(1000)).noneMatch(l -> l.runId().equals(id));
  }

  // --- finishing attempts --------------------------------------------------------------

  @Test
  void successCompletesTheRunAndItsAttempt() {
    UUID id = insert(run("ok"));
    ClaimedRun claimed = claimOne("ok", LONG_LEASE);
    OutcomeResult result = finish(success(claimed, "{\"sent\": true}"));
    assertThat(result.runId()).isEqualTo(id);
    assertThat(result.accepted()).isTrue();
    assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);

    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.outputJson()).isEqualTo("{\"sent\": true}");
    assertThat(run.finishedAt()).isNotNull().isAfterOrEqualTo(run.startedAt());
    assertThat(run.leaseWorkerId()).isNull();
    assertThat(run.leaseExpiresAt()).isNull();
    assertThat(run.version()).isEqualTo(2);
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("COMPLETED");
              assertThat(a.finishedAt()).isEqualTo(run.finishedAt());
              assertThat(a.errorJson()).isNull();
            });
  }

  @Test
  void retryableFailureRequeuesAfterTheDelay() {
    UUID id = insert(run("retry", 3, List.of(), null, 0));
    ClaimedRun first = claimOne("retry", LONG_LEASE);
    Instant before = store.now();
    OutcomeResult result =
        finish(failure(first, "{\"message\":\"boom\"}", true, 60_000, RunStatus.FAILED));
    assertThat(result.accepted()).isTrue();
    assertThat(result.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(result.availableAt()).isAfterOrEqualTo(before.plusSeconds(60));

    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.availableAt()).isEqualTo(result.availableAt());
    assertThat(run.errorJson()).isEqualTo("{\"message\":\"boom\"}");
    assertThat(run.finishedAt()).isNull();
    assertThat(run.leaseWorkerId()).isNull();
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("FAILED");
              assertThat(a.errorJson()).isEqualTo("{\"message\":\"boom\"}");
              assertThat(a.finishedAt()).isNotNull();
            });
    assertThat(store.claim(env.id(), List.of("retry"), "w", 10, LONG_LEASE)).isEmpty();
    assertThat(store.nextDueAt(env.id(), List.of("retry"))).contains(result.availableAt());
  }

  @Test
  void retryWithoutDelayIsClaimedAgainAsTheNextAttempt() {
    UUID id = insert(run("retry", 3, List.of(), null, 0));
    ClaimedRun first = claimOne("retry", LONG_LEASE);
    finish(failure(first, "{}", true, 0, RunStatus.FAILED));
    ClaimedRun second = claimOne("retry", LONG_LEASE);
    assertThat(second.runId()).isEqualTo(id);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.leaseToken()).isEqualTo(2);
    assertThat(store.findAttempts(id))
        .extracting(AttemptRecord::number, AttemptRecord::status)
        .containsExactly(tuple(1, "FAILED"), tuple(2, "EXECUTING"));
    assertThat(find(id).startedAt()).isEqualTo(store.findAttempts(id).get(0).startedAt());
  }

  @Test
  void failureOfTheLastAttemptIsFinal() {
    UUID id = insert(run("once", 1, List.of(), null, 0));
    ClaimedRun claimed = claimOne("once", LONG_LEASE);
    OutcomeResult result =
        finish(failure(claimed, "{\"message\":\"last\"}", true, 0, RunStatus.FAILED));
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.errorJson()).isEqualTo("{\"message\":\"last\"}");
    assertThat(run.finishedAt()).isNotNull();
    assertThat(store.claim(env.id(), List.of("once"), "w", 10, LONG_LEASE)).isEmpty();
  }

  @Test
  void nonRetryableFailureEndsAsTheExhaustedStatus() {
    UUID id = insert(run("slow", 5, List.of(), null, 0));
    ClaimedRun claimed = claimOne("slow", LONG_LEASE);
    OutcomeResult result =
        finish(failure(claimed, "{\"message\":\"too slow\"}", false, 0, RunStatus.TIMED_OUT));
    assertThat(result.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(find(id).status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(find(id).finishedAt()).isNotNull();
  }

  @Test
  void staleOutcomesChangeNothing() {
    UUID id = insert(run("stale"));
    ClaimedRun claimed = claimOne("stale", LONG_LEASE);
    RunRecord before = find(id);

    AttemptOutcome wrongToken =
        new AttemptOutcome(
            id, claimed.leaseToken() + 1, 1, Kind.SUCCEEDED, "{}", null, false, 0, null);
    AttemptOutcome wrongAttempt =
        new AttemptOutcome(id, claimed.leaseToken(), 2, Kind.SUCCEEDED, "{}", null, false, 0, null);
    UUID unknown = TestIds.next();
    AttemptOutcome unknownRun =
        new AttemptOutcome(unknown, 1, 1, Kind.SUCCEEDED, "{}", null, false, 0, null);
    assertThat(store.finishAttempts(env.id(), List.of(wrongToken, wrongAttempt, unknownRun)))
        .containsExactly(
            new OutcomeResult(id, false, RunStatus.EXECUTING, before.availableAt()),
            new OutcomeResult(id, false, RunStatus.EXECUTING, before.availableAt()),
            new OutcomeResult(unknown, false, null, null));
    assertThat(find(id)).isEqualTo(before);

    assertThat(finish(success(claimed, "{\"n\":1}")).accepted()).isTrue();
    OutcomeResult twice = finish(failure(claimed, "{}", true, 0, RunStatus.FAILED));
    assertThat(twice.accepted()).isFalse();
    assertThat(twice.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(find(id).outputJson()).isEqualTo("{\"n\":1}");
  }

  @Test
  void finishesABatchOfMixedOutcomesInOrder() {
    List<NewRun> runs =
        IntStream.range(0, 4).mapToObj(i -> run("mix", 2, List.of(), null, 0)).toList();
    store.insertRuns(runs);
    List<ClaimedRun> claimed = store.claim(env.id(), List.of("mix"), "w", 4, LONG_LEASE);
    assertThat(claimed).hasSize(4);
    List<OutcomeResult> results =
        store.finishAttempts(
            env.id(),
            List.of(
                failure(claimed.get(3), "{}", false, 0, RunStatus.FAILED),
                success(claimed.get(0), "{}"),
                failure(claimed.get(1), "{}", true, 0, RunStatus.FAILED),
                success(claimed.get(2), "{}")));
    assertThat(results)
        .extracting(OutcomeResult::runId, OutcomeResult::status)
        .containsExactly(
            tuple(claimed.get(3).runId(), RunStatus.FAILED),
            tuple(claimed.get(0).runId(), RunStatus.COMPLETED),
            tuple(claimed.get(1).runId(), RunStatus.QUEUED),
            tuple(claimed.get(2).runId(), RunStatus.COMPLETED));
    assertThat(results).allMatch(OutcomeResult::accepted);
  }

  // --- canceling -----------------------------------------------------------------------

  @Test
  void cancelsAQueuedRun() {
    UUID id = insert(run("c"));
    RunRecord canceled = store.cancel(env.id(), id);
    assertThat(canceled.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(canceled.finishedAt()).isNotNull();
    assertThat(canceled.version()).isEqualTo(1);
    assertThat(find(id)).isEqualTo(canceled);
    assertThat(store.claim(env.id(), List.of("c"), "w", 10, LONG_LEASE)).isEmpty();
  }

  @Test
  void cancelsAnExecutingRunAndFencesItsWorker() {
    UUID id = insert(run("c"));
    ClaimedRun claimed = claimOne("c", LONG_LEASE);
    RunRecord canceled = store.cancel(env.id(), id);
    assertThat(canceled.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(canceled.leaseWorkerId()).isNull();
    assertThat(canceled.leaseExpiresAt()).isNull();
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("CANCELED");
              assertThat(a.finishedAt()).isNotNull();
            });
    assertThat(
            store.heartbeat(env.id(), List.of(new LeaseRef(id, claimed.leaseToken())), LONG_LEASE))
        .containsExactly(id);
    OutcomeResult late = finish(success(claimed, "{}"));
    assertThat(late.accepted()).isFalse();
    assertThat(late.status()).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void cancelOfAFinalRunIsAConflict() {
    UUID id = insert(run("c"));
    finish(success(claimOne("c", LONG_LEASE), "{}"));
    assertThatThrownBy(() -> store.cancel(env.id(), id))
        .isInstanceOfSatisfying(
            RunStateConflictException.class,
            e -> {
              assertThat(e.runId()).isEqualTo(id);
              assertThat(e.current()).isEqualTo(RunStatus.COMPLETED);
              assertThat(e.target()).isEqualTo(RunStatus.CANCELED);
            });
    UUID other = insert(run("c"));
    store.cancel(env.id(), other);
    assertThatThrownBy(() -> store.cancel(env.id(), other))
        .isInstanceOfSatisfying(
            RunStateConflictException.class,
            e -> assertThat(e.current()).isEqualTo(RunStatus.CANCELED));
  }

  @Test
  void cancelOfAnUnknownRunIsNotFound() {
    UUID unknown = TestIds.next();
    assertThatThrownBy(() -> store.cancel(env.id(), unknown))
        .isInstanceOfSatisfying(
            RunNotFoundException.class, e -> assertThat(e.runId()).isEqualTo(unknown));
    UUID id = insert(run("c"));
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    assertThatThrownBy(() -> store.cancel(other.id(), id)).isInstanceOf(RunNotFoundException.class);
    assertThat(find(id).status()).isEqualTo(RunStatus.QUEUED);
  }

  // --- manual retry --------------------------------------------------------------------

  @Test
  void retryPutsAFailedRunBackInTheQueueWithItsStepsAndAFreshBudget() {
    UUID id = insert(run("retry", 2, List.of(), null, 0));
    ClaimedRun first = claimOne("retry", LONG_LEASE);
    StepRecord one = step(id, 0, "one", StepRecord.Status.COMPLETED, "\"1\"", 1);
    assertThat(store.recordStep(env.id(), lease(first), 1, one)).isTrue();
    finish(failure(first, "{\"message\":\"declined\"}", false, 0, RunStatus.FAILED));
    RunRecord failed = find(id);
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

    RunRecord retried = store.retry(env.id(), id);

    assertThat(retried.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(retried.id()).isEqualTo(id);
    assertThat(retried.attemptCount()).isEqualTo(1);
    assertThat(retried.maxAttempts()).isEqualTo(3);
    assertThat(retried.attemptsBeforeRetry()).isEqualTo(1);
    assertThat(retried.attemptBudget()).isEqualTo(2);
    assertThat(retried.finishedAt()).isNull();
    assertThat(retried.availableAt()).isBeforeOrEqualTo(store.now());
    assertThat(retried.errorJson()).as("the last failure stays visible").isNotNull();
    assertThat(retried.version()).isGreaterThan(failed.version());
    assertThat(find(id)).isEqualTo(retried);

    ClaimedRun second = claimOne("retry", LONG_LEASE);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.steps()).containsExactly(one);
    assertThat(finish(failure(second, "{}", true, 0, RunStatus.FAILED)).status())
        .isEqualTo(RunStatus.QUEUED);
    ClaimedRun third = claimOne("retry", LONG_LEASE);
    assertThat(finish(failure(third, "{}", true, 0, RunStatus.FAILED)).status())
        .as("attempts 2 and 3 were the fresh budget of 2")
        .isEqualTo(RunStatus.FAILED);
    assertThat(store.findAttempts(id))
        .extracting(AttemptRecord::number, AttemptRecord::status)
        .containsExactly(tuple(1, "FAILED"), tuple(2, "FAILED"), tuple(3, "FAILED"));

    RunRecord again = store.retry(env.id(), id);
    assertThat(again.maxAttempts()).isEqualTo(5);
    assertThat(again.attemptBudget()).isEqualTo(2);
    finish(success(claimOne("retry", LONG_LEASE), "\"done\""));
    assertThat(find(id).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(find(id).attemptCount()).isEqualTo(4);
  }

  @Test
  void onlyARunThatEndedWithoutSuccessCanBeRetried() {
    UUID queued = insert(run("retry"));
    assertThatThrownBy(() -> store.retry(env.id(), queued))
        .isInstanceOfSatisfying(
            RunStateConflictException.class,
            e -> {
              assertThat(e.current()).isEqualTo(RunStatus.QUEUED);
              assertThat(e.target()).isEqualTo(RunStatus.QUEUED);
            });
    finish(success(claimOne("retry", LONG_LEASE), "{}"));
    assertThatThrownBy(() -> store.retry(env.id(), queued))
        .isInstanceOfSatisfying(
            RunStateConflictException.class,
            e -> assertThat(e.current()).isEqualTo(RunStatus.COMPLETED));
    assertThat(find(queued).status()).isEqualTo(RunStatus.COMPLETED);

    UUID canceled = insert(run("retry"));
    store.cancel(env.id(), canceled);
    assertThat(store.retry(env.id(), canceled).status()).isEqualTo(RunStatus.QUEUED);
  }

  @Test
  void retryOfAnUnknownRunIsNotFound() {
    UUID unknown = TestIds.next();
    assertThatThrownBy(() -> store.retry(env.id(), unknown))
        .isInstanceOfSatisfying(
            RunNotFoundException.class, e -> assertThat(e.runId()).isEqualTo(unknown));
    UUID id = insert(run("retry"));
    store.cancel(env.id(), id);
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    assertThatThrownBy(() -> store.retry(other.id(), id)).isInstanceOf(RunNotFoundException.class);
    assertThat(find(id).status()).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void retryOfARunCanceledWhileWaitingDropsItsUnfinishedWait() {
    UUID id = insert(run("retry-wait"));
    ClaimedRun c = claimOne("retry-wait", LONG_LEASE);
    StepRecord one = step(id, 0, "one", StepRecord.Status.COMPLETED, "\"1\"", 1);
    store.recordStep(env.id(), lease(c), 1, one);
    store.suspend(
        env.id(),
        lease(c),
        1,
        waiting(id, 1, StepRecord.Kind.WAIT, store.now().minusSeconds(1), null, 1),
        List.of(),
        NO_OUTCOME);
    store.cancel(env.id(), id);

    store.retry(env.id(), id);

    assertThat(store.findSteps(id)).containsExactly(one);
    assertThat(resumable(id, 1)).isFalse();
    ClaimedRun again = claimOne("retry-wait", LONG_LEASE);
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.steps()).containsExactly(one);
  }

  @Test
  void aRetriedRunKeepsAKeyItStillHoldsAndAKeyReleasedMeanwhileStaysReleased() {
    UUID held = insert(run("retry-key", 1, List.of(), "held", 0));
    finish(failure(claimOne("retry-key", LONG_LEASE), "{}", false, 0, RunStatus.FAILED));
    store.retry(env.id(), held);
    InsertResult same = store.insertRuns(List.of(run("retry-key", 1, List.of(), "held", 0))).get(0);
    assertThat(same.created()).isFalse();
    assertThat(same.runId()).as("no longer failed, the run holds its key again").isEqualTo(held);
    finish(success(claimOne("retry-key", LONG_LEASE), "{}"));

    UUID released = insert(run("retry-key", 1, List.of(), "taken", 0));
    finish(failure(claimOne("retry-key", LONG_LEASE), "{}", false, 0, RunStatus.FAILED));
    UUID taker = insert(run("retry-key", 1, List.of(), "taken", 0));
    RunRecord retried = store.retry(env.id(), released);
    assertThat(retried.idempotencyKey()).as("still shown").isEqualTo("taken");
    InsertResult later =
        store.insertRuns(List.of(run("retry-key", 1, List.of(), "taken", 0))).get(0);
    assertThat(later.runId()).isEqualTo(taker);
  }

  // --- bulk actions --------------------------------------------------------------------

  static final BulkActionRecord.Filter NO_FILTER =
      new BulkActionRecord.Filter(List.of(), null, null, null, null);

  /** Replays the way the engine does, with a key of the action and the original. */
  static NewRun replayOf(UUID actionId, RunRecord original) {
    return new NewRun(
        TestIds.next(),
        original.environmentId(),
        original.taskId(),
        original.queue(),
        original.payloadJson(),
        original.attemptBudget(),
        original.tags(),
        "bulk:" + actionId + ":" + original.id(),
        0,
        original.id());
  }

  /** Works through bulk actions until none is left; the batches, in order. */
  List<Store.BulkBatch> drain(int limit) {
    List<Store.BulkBatch> batches = new ArrayList<>();
    for (Optional<Store.BulkBatch> b =
            store.processBulkActionBatch(limit, StoreContractTest::replayOf);
        b.isPresent();
        b = store.processBulkActionBatch(limit, StoreContractTest::replayOf)) {
      batches.add(b.get());
    }
    return batches;
  }

  BulkActionRecord bulk(UUID actionId) {
    return store.findBulkAction(env.id(), actionId).orElseThrow();
  }

  void register(String... tasks) {
    List<TaskRecord> records = new ArrayList<>();
    for (String task : tasks) {
      records.add(new TaskRecord(task, "q-" + task, 3, "{\"maxAttempts\":3}", null, null));
    }
    store.upsertTasks(env.id(), records);
  }

  @Test
  void aBulkActionCoversTheRunsThatMatchedWhenItStarted() {
    UUID redQueued = insert(run("ba", 3, List.of("red"), null, 0));
    UUID blueQueued = insert(run("ba", 3, List.of("blue"), null, 0));
    UUID redDelayed = insert(run("bb", 3, List.of("red"), null, 60_000));
    UUID redDone = insert(run("bc", 3, List.of("red"), null, 0));
    finish(success(claimOne("bc", LONG_LEASE), "{}"));
    Instant blueCreated = find(blueQueued).createdAt();

    var filter =
        new BulkActionRecord.Filter(
            List.of(RunStatus.QUEUED, RunStatus.DELAYED), null, "red", null, null);
    BulkActionRecord action =
        store.createBulkAction(env.id(), TestIds.next(), BulkActionRecord.Kind.CANCEL, filter);
    UUID later = insert(run("ba", 3, List.of("red"), null, 0));

    assertThat(action.status()).isEqualTo(BulkActionRecord.Status.RUNNING);
    assertThat(action.kind()).isEqualTo(BulkActionRecord.Kind.CANCEL);
    assertThat(action.filter()).isEqualTo(filter);
    assertThat(action.total()).isEqualTo(2);
    assertThat(action.processed()).isZero();
    assertThat(action.createdAt()).isNotNull();
    assertThat(action.finishedAt()).isNull();

    drain(100);

    BulkActionRecord done = bulk(action.id());
    assertThat(done.status()).isEqualTo(BulkActionRecord.Status.COMPLETED);
    assertThat(done.processed()).isEqualTo(2);
    assertThat(done.succeeded()).isEqualTo(2);
    assertThat(done.finishedAt()).isNotNull();
    assertThat(find(redQueued).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(redDelayed).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(redDone).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(find(blueQueued).status()).isEqualTo(RunStatus.QUEUED);
    assertThat(find(later).status())
        .as("created after the action started")
        .isEqualTo(RunStatus.QUEUED);

    BulkActionRecord byTaskAndTime =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.CANCEL,
            new BulkActionRecord.Filter(List.of(), "ba", null, blueCreated, null));
    assertThat(byTaskAndTime.total()).as("blueQueued and the later run").isEqualTo(2);
    assertThat(
            store
                .createBulkAction(
                    env.id(),
                    TestIds.next(),
                    BulkActionRecord.Kind.CANCEL,
                    new BulkActionRecord.Filter(
                        List.of(RunStatus.COMPLETED), null, null, null, blueCreated))
                .total())
        .as("the completed run was created after blueQueued")
        .isZero();
    drain(100);
    assertThat(find(blueQueued).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(later).status()).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void anActionWithoutRunsIsCompletedAtOnce() {
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.REPLAY,
            new BulkActionRecord.Filter(List.of(), null, "no-such-tag", null, null));
    assertThat(action.status()).isEqualTo(BulkActionRecord.Status.COMPLETED);
    assertThat(action.total()).isZero();
    assertThat(action.finishedAt()).isNotNull();
  }

  @Test
  void bulkCancelCancelsExecutingRunsAndSkipsFinishedOnes() {
    UUID queued = insert(run("bcx", 3, List.of("x"), null, 0));
    UUID executing = insert(run("bcy", 3, List.of("x"), null, 0));
    ClaimedRun lease = claimOne("bcy", LONG_LEASE);
    UUID done = insert(run("bcz", 3, List.of("x"), null, 0));
    finish(success(claimOne("bcz", LONG_LEASE), "{}"));
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.CANCEL,
            new BulkActionRecord.Filter(List.of(), null, "x", null, null));

    List<Store.BulkBatch> batches = drain(100);

    assertThat(batches).singleElement().satisfies(b -> assertThat(b.canceled()).isEqualTo(2));
    BulkActionRecord finished = bulk(action.id());
    assertThat(finished.total()).isEqualTo(3);
    assertThat(finished.processed()).isEqualTo(3);
    assertThat(finished.succeeded()).isEqualTo(2);
    assertThat(finished.skipped()).isEqualTo(1);
    assertThat(finished.failed()).isZero();
    assertThat(find(queued).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(executing).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(done).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(store.findAttempts(executing))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("CANCELED"));
    assertThat(store.heartbeat(env.id(), List.of(lease(lease)), LONG_LEASE))
        .as("the worker learns at its next heartbeat")
        .containsExactly(executing);
  }

  @Test
  void bulkReplayReplaysEachRunOnceInBatches() {
    register("rp");
    List<UUID> originals = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      originals.add(insert(run("rp", 2, List.of("batch"), null, 0)));
    }
    UUID gone = insert(run("unregistered", 2, List.of("batch"), null, 0));
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.REPLAY,
            new BulkActionRecord.Filter(List.of(), null, "batch", null, null));
    assertThat(action.total()).isEqualTo(6);

    Store.BulkBatch first =
        store.processBulkActionBatch(2, StoreContractTest::replayOf).orElseThrow();
    assertThat(first.action().id()).isEqualTo(action.id());
    assertThat(first.action().status()).isEqualTo(BulkActionRecord.Status.RUNNING);
    assertThat(first.action().processed()).isEqualTo(2);
    assertThat(first.replayedTaskIds()).containsExactly("rp");
    assertThat(bulk(action.id())).isEqualTo(first.action());
    drain(2);

    BulkActionRecord done = bulk(action.id());
    assertThat(done.status()).isEqualTo(BulkActionRecord.Status.COMPLETED);
    assertThat(done.processed()).isEqualTo(6);
    assertThat(done.succeeded()).isEqualTo(5);
    assertThat(done.failed()).as("its task is not registered").isEqualTo(1);
    List<RunRecord> replays =
        store.listRuns(env.id(), new RunFilter(null, "rp", null, null, null, null), 100).stream()
            .filter(r -> r.replayOf() != null)
            .toList();
    assertThat(replays)
        .extracting(RunRecord::replayOf)
        .containsExactlyInAnyOrderElementsOf(originals);
    assertThat(replays)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(RunStatus.QUEUED);
              assertThat(r.tags()).containsExactly("batch");
              assertThat(r.idempotencyKey()).isEqualTo("bulk:" + action.id() + ":" + r.replayOf());
            });
    assertThat(
            store.listRuns(
                env.id(), new RunFilter(null, "unregistered", null, null, null, null), 10))
        .extracting(RunRecord::id)
        .containsExactly(gone);
  }

  @Test
  void aBatchThatFailsChangesNothingAndIsWorkedThroughAgainWithoutDuplicates() {
    register("rf");
    for (int i = 0; i < 4; i++) {
      insert(run("rf", 1, List.of("crash"), null, 0));
    }
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.REPLAY,
            new BulkActionRecord.Filter(List.of(), "rf", null, null, null));
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();

    assertThatThrownBy(
            () ->
                store.processBulkActionBatch(
                    10,
                    (actionId, original) -> {
                      if (calls.incrementAndGet() == 3) {
                        throw new IllegalStateException("node died mid-batch");
                      }
                      return replayOf(actionId, original);
                    }))
        .hasMessageContaining("node died mid-batch");

    BulkActionRecord untouched = bulk(action.id());
    assertThat(untouched.status()).isEqualTo(BulkActionRecord.Status.RUNNING);
    assertThat(untouched.processed()).isZero();
    assertThat(untouched.error()).contains("node died mid-batch");
    assertThat(store.listRuns(env.id(), new RunFilter(null, "rf", null, null, null, null), 100))
        .as("the batch's replays were rolled back")
        .hasSize(4);

    drain(10);

    BulkActionRecord done = bulk(action.id());
    assertThat(done.status()).isEqualTo(BulkActionRecord.Status.COMPLETED);
    assertThat(done.processed()).isEqualTo(4);
    assertThat(done.succeeded()).isEqualTo(4);
    assertThat(done.error()).isNull();
    List<RunRecord> all =
        store.listRuns(env.id(), new RunFilter(null, "rf", null, null, null, null), 100);
    assertThat(all).hasSize(8);
    // the same batch worked through again finds every replay's key taken and inserts nothing
    for (RunRecord replay : all.stream().filter(r -> r.replayOf() != null).toList()) {
      RunRecord original = find(replay.replayOf());
      InsertResult again = store.insertRuns(List.of(replayOf(action.id(), original))).get(0);
      assertThat(again.created()).isFalse();
      assertThat(again.runId()).isEqualTo(replay.id());
    }
    assertThat(store.listRuns(env.id(), new RunFilter(null, "rf", null, null, null, null), 100))
        .hasSize(8);
  }

  @Test
  void concurrentProcessorsNeverWorkOnOneRunTwice() throws Exception {
    register("rc");
    for (int i = 0; i < 30; i++) {
      insert(run("rc", 1, List.of(), null, 0));
    }
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.REPLAY,
            new BulkActionRecord.Filter(List.of(), "rc", null, null, null));

    List<Integer> processedBy =
        concurrently(
            4,
            () -> {
              int runs = 0;
              for (Optional<Store.BulkBatch> b =
                      store.processBulkActionBatch(3, StoreContractTest::replayOf);
                  b.isPresent();
                  b = store.processBulkActionBatch(3, StoreContractTest::replayOf)) {
                runs += b.get().action().id().equals(action.id()) ? 1 : 0;
              }
              return runs;
            });

    assertThat(processedBy.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(10);
    BulkActionRecord done = bulk(action.id());
    assertThat(done.status()).isEqualTo(BulkActionRecord.Status.COMPLETED);
    assertThat(done.processed()).isEqualTo(30);
    assertThat(done.succeeded()).isEqualTo(30);
    List<RunRecord> replays =
        store.listRuns(env.id(), new RunFilter(null, "rc", null, null, null, null), 100).stream()
            .filter(r -> r.replayOf() != null)
            .toList();
    assertThat(replays).hasSize(30);
    assertThat(replays.stream().map(RunRecord::replayOf).distinct()).hasSize(30);
  }

  @Test
  void anActionWhoseBatchesKeepFailingFailsWithTheError() {
    register("rx");
    insert(run("rx", 1, List.of(), null, 0));
    BulkActionRecord action =
        store.createBulkAction(
            env.id(),
            TestIds.next(),
            BulkActionRecord.Kind.REPLAY,
            new BulkActionRecord.Filter(List.of(), "rx", null, null, null));
    for (int i = 0; i < Store.MAX_BULK_ACTION_FAILURES; i++) {
      assertThatThrownBy(
              () ->
                  store.processBulkActionBatch(
                      10,
                      (actionId, original) -> {
                        throw new IllegalStateException("poison");
                      }))
          .hasMessageContaining("poison");
    }

    BulkActionRecord failed = bulk(action.id());
    assertThat(failed.status()).isEqualTo(BulkActionRecord.Status.FAILED);
    assertThat(failed.error()).contains("poison");
    assertThat(failed.finishedAt()).isNotNull();
    assertThat(failed.processed()).isZero();
    assertThat(drain(10)).noneMatch(b -> b.action().id().equals(action.id()));
  }

  @Test
  void listsBulkActionsNewestFirstWithinTheirEnvironment() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          store
              .createBulkAction(
                  env.id(),
                  TestIds.next(),
                  BulkActionRecord.Kind.CANCEL,
                  new BulkActionRecord.Filter(List.of(), null, "none-" + i, null, null))
              .id());
    }
    assertThat(store.listBulkActions(env.id(), null, 10))
        .extracting(BulkActionRecord::id)
        .containsExactly(ids.get(2), ids.get(1), ids.get(0));
    assertThat(store.listBulkActions(env.id(), ids.get(2), 1))
        .extracting(BulkActionRecord::id)
        .containsExactly(ids.get(1));
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    assertThat(store.listBulkActions(other.id(), null, 10)).isEmpty();
    assertThat(store.findBulkAction(other.id(), ids.get(0))).isEmpty();
    assertThat(store.findBulkAction(env.id(), TestIds.next())).isEmpty();
    assertThat(NO_FILTER.isEmpty()).isTrue();
  }

  // --- listing -------------------------------------------------------------------------

  @Test
  void listsRunsByStatusTaskTagAndCreationTime() {
    UUID r1 = insert(run("a", 3, List.of("red"), null, 0));
    UUID r2 = insert(run("b", 3, List.of("red", "blue"), null, 0));
    Instant r2Created = find(r2).createdAt();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.now().isAfter(r2Created));
    UUID r3 = insert(run("a", 3, List.of("blue"), null, 0));
    claimOne("a", LONG_LEASE); // r1, the oldest due
    Instant r3Created = find(r3).createdAt();

    assertThat(ids(new RunFilter(null, null, null, null, null, null))).containsExactly(r3, r2, r1);
    assertThat(ids(new RunFilter(RunStatus.EXECUTING, null, null, null, null, null)))
        .containsExactly(r1);
    assertThat(ids(new RunFilter(RunStatus.QUEUED, null, null, null, null, null)))
        .containsExactly(r3, r2);
    assertThat(ids(new RunFilter(null, "a", null, null, null, null))).containsExactly(r3, r1);
    assertThat(ids(new RunFilter(null, null, "red", null, null, null))).containsExactly(r2, r1);
    assertThat(ids(new RunFilter(null, "a", "blue", null, null, null))).containsExactly(r3);
    assertThat(ids(new RunFilter(null, null, "green", null, null, null))).isEmpty();
    assertThat(ids(new RunFilter(null, null, null, r3Created, null, null))).containsExactly(r3);
    assertThat(ids(new RunFilter(null, null, null, null, r3Created, null))).containsExactly(r2, r1);
    assertThat(ids(new RunFilter(null, null, null, null, null, r2))).containsExactly(r1);
    assertThat(store.listRuns(env.id(), null, 2)).extracting(RunRecord::id).containsExactly(r3, r2);
    assertThat(store.listRuns(store.ensureEnvironment(env.projectSlug(), "empty").id(), null, 10))
        .isEmpty();
  }

  List<UUID> ids(RunFilter filter) {
    return store.listRuns(env.id(), filter, 100).stream().map(RunRecord::id).toList();
  }

  @Test
  void pagesThroughRunsWithACursor() {
    List<NewRun> runs = IntStream.range(0, 25).mapToObj(i -> run("page")).toList();
    store.insertRuns(runs);
    List<UUID> expected = new ArrayList<>(runs.stream().map(NewRun::id).toList());
    Collections.reverse(expected);

    RunFilter filter = new RunFilter(null, "page", null, null, null, null);
    List<UUID> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    List<RunRecord> page = store.listRuns(env.id(), filter, 10);
    while (!page.isEmpty()) {
      pageSizes.add(page.size());
      page.forEach(r -> seen.add(r.id()));
      UUID cursor = page.get(page.size() - 1).id();
      page = store.listRuns(env.id(), new RunFilter(null, "page", null, null, null, cursor), 10);
    }
    assertThat(pageSizes).containsExactly(10, 10, 5);
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void uuidV7IdsSortByTimeAsUnsignedBytes() {
    // Java's UUID.compareTo is signed; the databases must order ids as unsigned bytes, or ids
    // whose first bit is set would sort before older ones.
    long[] millis = {
      0x0000_0000_0001L, 0x0190_0000_0000L, 0x7FFF_FFFF_FFFFL, 0x8000_0000_0000L, 0xFFFF_FFFF_FFFEL
    };
    List<UUID> byTime = new ArrayList<>();
    for (long ms : millis) {
      byTime.add(TestIds.at(ms, 0));
      byTime.add(TestIds.at(ms, 1));
    }
    List<NewRun> shuffled =
        new ArrayList<>(
            byTime.stream()
                .map(id -> new NewRun(id, env.id(), "v7", "q", "{}", 1, List.of(), null, 0, null))
                .toList());
    Collections.shuffle(shuffled);
    store.insertRuns(shuffled);

    List<UUID> newestFirst = new ArrayList<>(byTime);
    Collections.reverse(newestFirst);
    assertThat(ids(new RunFilter(null, "v7", null, null, null, null)))
        .containsExactlyElementsOf(newestFirst);
    assertThat(ids(new RunFilter(null, "v7", null, null, null, byTime.get(6))))
        .containsExactlyElementsOf(newestFirst.subList(newestFirst.size() - 6, newestFirst.size()));
  }

  // --- durable execution: steps and waits -----------------------------------------------

  static StepRecord step(
      UUID runId, int position, String name, StepRecord.Status status, String output, int attempt) {
    return new StepRecord(
        runId,
        position,
        name,
        0,
        StepRecord.Kind.STEP,
        status,
        status == StepRecord.Status.COMPLETED ? output : null,
        status == StepRecord.Status.FAILED ? output : null,
        attempt,
        1,
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        null,
        null,
        null);
  }

  static StepRecord waiting(
      UUID runId, int position, StepRecord.Kind kind, Instant resumeAt, UUID tokenId, int attempt) {
    return new StepRecord(
        runId,
        position,
        kind.name().toLowerCase(java.util.Locale.ROOT),
        0,
        kind,
        StepRecord.Status.WAITING,
        null,
        null,
        attempt,
        1,
        null,
        null,
        resumeAt,
        tokenId,
        null);
  }

  static LeaseRef lease(ClaimedRun c) {
    return new LeaseRef(c.runId(), c.leaseToken());
  }

  static final java.util.function.Function<TokenRecord, String> NO_OUTCOME =
      t -> {
        throw new AssertionError("token " + t.id() + " must not be resolved here");
      };

  boolean resumable(UUID runId, int position) {
    return store.findResumable(10_000).stream()
        .anyMatch(w -> w.runId().equals(runId) && w.position() == position);
  }

  @Test
  void recordStepIsRefusedForAStaleLeaseAnotherEnvironmentOrAnotherAttempt() {
    UUID id = insert(run("steps"));
    ClaimedRun c = claimOne("steps", LONG_LEASE);
    assertThat(c.steps()).isEmpty();
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    StepRecord one = step(id, 0, "one", StepRecord.Status.COMPLETED, "\"1\"", 1);

    assertThat(store.recordStep(other.id(), lease(c), 1, one)).isFalse();
    assertThat(store.recordStep(env.id(), new LeaseRef(id, c.leaseToken() + 1), 1, one)).isFalse();
    assertThat(store.recordStep(env.id(), lease(c), 2, one)).isFalse();
    assertThat(store.findSteps(id)).isEmpty();
    assertThat(store.recordStep(env.id(), lease(c), 1, one)).isTrue();
    assertThat(store.findSteps(id)).containsExactly(one);
    assertThat(find(id).stepCount()).isEqualTo(1);

    finish(failure(c, "{}", true, 0, RunStatus.FAILED));
    ClaimedRun second = claimOne("steps", LONG_LEASE);
    assertThat(second.steps()).containsExactly(one);
    StepRecord two = step(id, 1, "two", StepRecord.Status.COMPLETED, "\"2\"", 1);
    assertThat(store.recordStep(env.id(), lease(c), 1, two))
        .as("the first attempt's lease")
        .isFalse();
    assertThat(store.findSteps(id)).containsExactly(one);
    finish(success(second, "{}"));
    StepRecord late = step(id, 1, "two", StepRecord.Status.COMPLETED, "\"2\"", 2);
    assertThat(store.recordStep(env.id(), lease(second), 2, late)).as("a finished run").isFalse();
    assertThat(store.findSteps(id)).containsExactly(one);
  }

  @Test
  void aCompletedStepIsNeverOverwrittenButAFailedOneIs() {
    UUID id = insert(run("steps"));
    ClaimedRun c = claimOne("steps", LONG_LEASE);
    StepRecord first = step(id, 0, "one", StepRecord.Status.COMPLETED, "\"first\"", 1);
    StepRecord failed = step(id, 1, "two", StepRecord.Status.FAILED, "{\"type\":\"E\"}", 1);
    assertThat(store.recordStep(env.id(), lease(c), 1, first)).isTrue();
    assertThat(store.recordStep(env.id(), lease(c), 1, failed)).isTrue();

    assertThat(
            store.recordStep(
                env.id(),
                lease(c),
                1,
                step(id, 0, "one", StepRecord.Status.COMPLETED, "\"second\"", 1)))
        .isTrue();
    assertThat(
            store.recordStep(
                env.id(), lease(c), 1, step(id, 0, "one", StepRecord.Status.FAILED, "{}", 1)))
        .isTrue();
    assertThat(store.findSteps(id)).containsExactly(first, failed);

    finish(failure(c, "{}", true, 0, RunStatus.FAILED));
    ClaimedRun second = claimOne("steps", LONG_LEASE);
    assertThat(second.steps()).containsExactly(first, failed);
    StepRecord retried = step(id, 1, "two", StepRecord.Status.COMPLETED, "\"ok\"", 2);
    assertThat(
            store.recordStep(
                env.id(),
                lease(second),
                2,
                step(id, 0, "one", StepRecord.Status.COMPLETED, "\"third\"", 2)))
        .isTrue();
    assertThat(store.recordStep(env.id(), lease(second), 2, retried)).isTrue();
    assertThat(store.findSteps(id)).containsExactly(first, retried);
  }

  @Test
  void aTimedWaitSuspendsTheRunUntilItIsDueAndResumesItUnderTheSameAttempt() {
    UUID id = insert(run("w"));
    ClaimedRun c = claimOne("w", LONG_LEASE);
    StepRecord before = step(id, 0, "before", StepRecord.Status.COMPLETED, "1", 1);
    assertThat(store.recordStep(env.id(), lease(c), 1, before)).isTrue();
    Instant resumeAt = store.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    StepRecord wait = waiting(id, 1, StepRecord.Kind.WAIT, resumeAt, null, 1);

    assertThat(store.suspend(env.id(), lease(c), 1, wait, List.of(), NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.WAITING);

    RunRecord suspended = find(id);
    assertThat(suspended.status()).isEqualTo(RunStatus.WAITING);
    assertThat(suspended.leaseWorkerId()).isNull();
    assertThat(suspended.leaseExpiresAt()).isNull();
    assertThat(suspended.finishedAt()).isNull();
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("SUSPENDED"));
    assertThat(store.findSteps(id).get(1).status()).isEqualTo(StepRecord.Status.WAITING);
    assertThat(store.findSteps(id).get(1).resumeAt()).isEqualTo(resumeAt);
    assertThat(store.heartbeat(env.id(), List.of(lease(c)), LONG_LEASE)).containsExactly(id);
    assertThat(store.suspend(env.id(), lease(c), 1, wait, List.of(), NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.REJECTED);
    assertThat(finish(success(c, "{}")).accepted()).isFalse();
    assertThat(store.claim(env.id(), List.of("w"), "worker-2", 10, LONG_LEASE)).isEmpty();
    assertThat(resumable(id, 1)).as("not due yet").isFalse();

    await().atMost(Duration.ofSeconds(10)).until(() -> resumable(id, 1));
    assertThat(store.findResumable(10_000))
        .filteredOn(w -> w.runId().equals(id))
        .containsExactly(new Store.WaitingStep(env.id(), "w", id, 1, StepRecord.Kind.WAIT, null));
    assertThat(store.resolveWait(id, 1, "null")).isTrue();
    assertThat(store.resolveWait(id, 1, "null")).as("resolved once").isFalse();

    assertThat(find(id).status()).isEqualTo(RunStatus.QUEUED);
    assertThat(resumable(id, 1)).isFalse();
    ClaimedRun resumed = claimOne("w", LONG_LEASE);
    assertThat(resumed.runId()).isEqualTo(id);
    assertThat(resumed.attempt()).as("the attempt number is kept").isEqualTo(1);
    assertThat(resumed.leaseToken()).isNotEqualTo(c.leaseToken());
    assertThat(resumed.steps()).hasSize(2);
    assertThat(resumed.steps().get(0)).isEqualTo(before);
    assertThat(resumed.steps().get(1).status()).isEqualTo(StepRecord.Status.COMPLETED);
    assertThat(resumed.steps().get(1).outputJson()).isEqualTo("null");
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("EXECUTING"));
    assertThat(finish(success(resumed, "\"done\"")).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aWaitOnAnUnknownTokenChangesNothing() {
    UUID id = insert(run("w"));
    ClaimedRun c = claimOne("w", LONG_LEASE);
    StepRecord wait = waiting(id, 0, StepRecord.Kind.TOKEN, null, TestIds.next(), 1);

    assertThat(store.suspend(env.id(), lease(c), 1, wait, List.of(), NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.UNKNOWN_TOKEN);

    assertThat(find(id).status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(store.findSteps(id)).isEmpty();
    UUID elsewhere =
        store
            .createToken(
                store.ensureEnvironment(env.projectSlug(), "other").id(),
                TestIds.next(),
                null,
                List.of(),
                null)
            .token()
            .id();
    StepRecord foreign = waiting(id, 0, StepRecord.Kind.TOKEN, null, elsewhere, 1);
    assertThat(store.suspend(env.id(), lease(c), 1, foreign, List.of(), NO_OUTCOME))
        .as("a token of another environment")
        .isEqualTo(Store.SuspendResult.UNKNOWN_TOKEN);
    assertThat(find(id).status()).isEqualTo(RunStatus.EXECUTING);
  }

  @Test
  void anAttemptPastItsMaxDurationAndGraceExpiresTimedOutWhateverItsHeartbeats() {
    UUID id =
        insert(
            new NewRun(
                TestIds.next(),
                env.id(),
                "deadline",
                "default",
                "{}",
                1,
                List.of(),
                null,
                0,
                null,
                1L,
                null,
                null,
                null,
                null,
                null,
                0,
                null));
    ClaimedRun c = claimOne("deadline", LONG_LEASE);
    assertThat(c.maxDurationMillis()).isEqualTo(1);
    Instant leaseEnd = find(id).leaseExpiresAt();
    assertThat(leaseEnd)
        .as("the lease ends at the deadline: 1 ms + %d ms of grace", 5_000)
        .isBefore(store.now().plus(LONG_LEASE).minus(Duration.ofMinutes(1)));

    assertThat(store.heartbeat(env.id(), List.of(lease(c)), LONG_LEASE)).isEmpty();
    assertThat(find(id).leaseExpiresAt()).isEqualTo(leaseEnd);
    ExpiredLease expired = awaitExpired(id);

    assertThat(expired.timedOut()).isTrue();
    OutcomeResult ended =
        finish(
            new AttemptOutcome(
                id,
                expired.leaseToken(),
                expired.attempt(),
                Kind.LEASE_EXPIRED,
                null,
                "{\"type\":\"dev.errand.MaxDurationExceeded\"}",
                true,
                0,
                RunStatus.TIMED_OUT));
    assertThat(ended.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(store.findAttempts(id))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("TIMED_OUT"));
  }

  // --- durable execution: tokens ---------------------------------------------------------

  @Test
  void createTokenReturnsTheTokenMadeEarlierWithTheSameKeyInTheEnvironment() throws Exception {
    UUID id = TestIds.next();
    Store.TokenInsert first = store.createToken(env.id(), id, "key-1", List.of("a", "b"), 60_000L);
    assertThat(first.created()).isTrue();
    TokenRecord token = first.token();
    assertThat(token.id()).isEqualTo(id);
    assertThat(token.environmentId()).isEqualTo(env.id());
    assertThat(token.status()).isEqualTo(TokenRecord.Status.WAITING);
    assertThat(token.idempotencyKey()).isEqualTo("key-1");
    assertThat(token.tags()).containsExactly("a", "b");
    assertThat(token.timeoutAt()).isEqualTo(token.createdAt().plusSeconds(60));
    assertThat(token.completedAt()).isNull();
    assertThat(token.outputJson()).isNull();

    Store.TokenInsert again = store.createToken(env.id(), TestIds.next(), "key-1", List.of(), null);
    assertThat(again.created()).isFalse();
    assertThat(again.token()).isEqualTo(token);
    assertThat(store.findToken(env.id(), id)).contains(token);

    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    Store.TokenInsert elsewhere =
        store.createToken(other.id(), TestIds.next(), "key-1", null, null);
    assertThat(elsewhere.created()).isTrue();
    assertThat(elsewhere.token().id()).isNotEqualTo(id);
    assertThat(elsewhere.token().timeoutAt()).isNull();
    assertThat(store.findToken(other.id(), id)).isEmpty();
    assertThat(store.createToken(env.id(), TestIds.next(), null, List.of(), null).created())
        .isTrue();
    assertThat(store.createToken(env.id(), TestIds.next(), null, List.of(), null).created())
        .as("tokens without a key are all new")
        .isTrue();

    List<Store.TokenInsert> raced =
        concurrently(
            8, () -> store.createToken(env.id(), TestIds.next(), "raced", List.of(), null));
    assertThat(raced).filteredOn(Store.TokenInsert::created).hasSize(1);
    assertThat(raced).extracting(r -> r.token().id()).containsOnly(raced.get(0).token().id());
  }

  @Test
  void aTokenIsCompletedOnceAndResumesTheRunsWaitingOnIt() {
    UUID tokenId = store.createToken(env.id(), TestIds.next(), null, List.of(), null).token().id();
    UUID id = insert(run("t"));
    ClaimedRun c = claimOne("t", LONG_LEASE);
    StepRecord wait = waiting(id, 0, StepRecord.Kind.TOKEN, null, tokenId, 1);
    assertThat(store.suspend(env.id(), lease(c), 1, wait, List.of(), NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.WAITING);
    assertThat(resumable(id, 0)).as("the token is still waiting").isFalse();
    Environment other = store.ensureEnvironment(env.projectSlug(), "other");

    assertThatThrownBy(() -> store.completeToken(other.id(), tokenId, "1", t -> "x"))
        .isInstanceOf(TokenNotFoundException.class);
    assertThatThrownBy(() -> store.completeToken(env.id(), TestIds.next(), "1", t -> "x"))
        .isInstanceOf(TokenNotFoundException.class);
    assertThat(find(id).status()).isEqualTo(RunStatus.WAITING);

    List<Store.WaitingStep> resumed =
        store.completeToken(
            env.id(),
            tokenId,
            "{\"approved\":true}",
            t -> "{\"status\":\"" + t.status() + "\",\"output\":" + t.outputJson() + "}");

    assertThat(resumed)
        .containsExactly(
            new Store.WaitingStep(env.id(), "t", id, 0, StepRecord.Kind.TOKEN, tokenId));
    TokenRecord done = store.findToken(env.id(), tokenId).orElseThrow();
    assertThat(done.status()).isEqualTo(TokenRecord.Status.COMPLETED);
    assertThat(done.outputJson()).isEqualTo("{\"approved\":true}");
    assertThat(done.completedAt()).isNotNull();
    assertThat(find(id).status()).isEqualTo(RunStatus.QUEUED);
    assertThat(store.findSteps(id).getFirst().outputJson())
        .isEqualTo("{\"status\":\"COMPLETED\",\"output\":{\"approved\":true}}");

    assertThatThrownBy(() -> store.completeToken(env.id(), tokenId, "2", t -> "y"))
        .isInstanceOfSatisfying(
            TokenStateConflictException.class,
            e -> assertThat(e.token().status()).isEqualTo(TokenRecord.Status.COMPLETED));
    assertThat(store.findToken(env.id(), tokenId)).contains(done);
    ClaimedRun again = claimOne("t", LONG_LEASE);
    assertThat(again.attempt()).isEqualTo(1);

    // waiting on a token that is already completed resumes at once
    StepRecord late = waiting(id, 1, StepRecord.Kind.TOKEN, null, tokenId, 1);
    assertThat(store.suspend(env.id(), lease(again), 1, late, List.of(), t -> "\"at once\""))
        .isEqualTo(Store.SuspendResult.RESUMED);
    assertThat(find(id).status()).isEqualTo(RunStatus.QUEUED);
    assertThat(store.findSteps(id).get(1).status()).isEqualTo(StepRecord.Status.COMPLETED);
    assertThat(store.findSteps(id).get(1).outputJson()).isEqualTo("\"at once\"");
    assertThat(claimOne("t", LONG_LEASE).attempt()).isEqualTo(1);
  }

  @Test
  void aTokenCompletedWhileItsRunSuspendsOnItAlwaysResumesTheRun() throws Exception {
    for (int i = 0; i < 20; i++) {
      UUID tokenId =
          store.createToken(env.id(), TestIds.next(), null, List.of(), null).token().id();
      UUID id = insert(run("race"));
      ClaimedRun c = claimOne("race", LONG_LEASE);
      StepRecord wait = waiting(id, 0, StepRecord.Kind.TOKEN, null, tokenId, 1);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Store.SuspendResult> suspended =
            pool.submit(
                () -> {
                  start.await();
                  return store.suspend(env.id(), lease(c), 1, wait, List.of(), t -> "\"s\"");
                });
        Future<List<Store.WaitingStep>> completed =
            pool.submit(
                () -> {
                  start.await();
                  return store.completeToken(env.id(), tokenId, "1", t -> "\"c\"");
                });
        start.countDown();
        Store.SuspendResult how = suspended.get(30, TimeUnit.SECONDS);
        List<Store.WaitingStep> resumed = completed.get(30, TimeUnit.SECONDS);

        assertThat(how).isIn(Store.SuspendResult.WAITING, Store.SuspendResult.RESUMED);
        assertThat(resumed).hasSize(how == Store.SuspendResult.WAITING ? 1 : 0);
        assertThat(find(id).status()).as("round %d, %s", i, how).isEqualTo(RunStatus.QUEUED);
        StepRecord step = store.findSteps(id).getFirst();
        assertThat(step.status()).isEqualTo(StepRecord.Status.COMPLETED);
        assertThat(step.outputJson())
            .isEqualTo(how == Store.SuspendResult.WAITING ? "\"c\"" : "\"s\"");
        assertThat(claimOne("race", LONG_LEASE).attempt()).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void concurrentCompletionsOfATokenSucceedOnce() throws Exception {
    UUID tokenId = store.createToken(env.id(), TestIds.next(), null, List.of(), null).token().id();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

    List<String> outcomes =
        concurrently(
            8,
            () -> {
              String data = String.valueOf(n.incrementAndGet());
              try {
                store.completeToken(env.id(), tokenId, data, t -> "null");
                return data;
              } catch (TokenStateConflictException e) {
                return "conflict";
              }
            });

    assertThat(outcomes).filteredOn(o -> !o.equals("conflict")).hasSize(1);
    String winner = outcomes.stream().filter(o -> !o.equals("conflict")).findFirst().orElseThrow();
    assertThat(store.findToken(env.id(), tokenId).orElseThrow().outputJson()).isEqualTo(winner);
  }

  @Test
  void aWaitIsResolvedOnceWhateverTheNumberOfResumers() throws Exception {
    UUID id = insert(run("w"));
    ClaimedRun c = claimOne("w", LONG_LEASE);
    StepRecord wait = waiting(id, 0, StepRecord.Kind.WAIT, store.now(), null, 1);
    store.suspend(env.id(), lease(c), 1, wait, List.of(), NO_OUTCOME);

    List<Boolean> resolved = concurrently(8, () -> store.resolveWait(id, 0, "null"));

    assertThat(resolved).containsOnlyOnce(true);
    RunRecord run = find(id);
    assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(run.attemptCount()).as("decremented once").isZero();
    assertThat(claimOne("w", LONG_LEASE).attempt()).isEqualTo(1);
  }

  @Test
  void aWaitAtAPositionWhereAStepCompletedIsRefusedAndTheRunKeepsExecuting() {
    UUID id = insert(run("w"));
    ClaimedRun c = claimOne("w", LONG_LEASE);
    assertThat(
            store.recordStep(
                env.id(), lease(c), 1, step(id, 0, "s", StepRecord.Status.COMPLETED, "1", 1)))
        .isTrue();

    Store.SuspendResult result =
        store.suspend(
            env.id(),
            lease(c),
            1,
            waiting(id, 0, StepRecord.Kind.WAIT, store.now(), null, 1),
            List.of(),
            NO_OUTCOME);

    assertThat(result).isEqualTo(Store.SuspendResult.REJECTED);
    assertThat(find(id).status()).isEqualTo(RunStatus.EXECUTING);
    assertThat(store.findSteps(id))
        .singleElement()
        .satisfies(st -> assertThat(st.status()).isEqualTo(StepRecord.Status.COMPLETED));
  }

  @Test
  void aCanceledWaitingRunStaysCanceledWhenItsWaitEnds() {
    UUID id = insert(run("w"));
    ClaimedRun c = claimOne("w", LONG_LEASE);
    store.suspend(
        env.id(),
        lease(c),
        1,
        waiting(id, 0, StepRecord.Kind.WAIT, store.now(), null, 1),
        List.of(),
        NO_OUTCOME);

    store.cancel(env.id(), id);
    store.resolveWait(id, 0, "null");

    assertThat(find(id).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(store.claim(env.id(), List.of("w"), "w", 10, LONG_LEASE)).isEmpty();
    assertThat(resumable(id, 0)).isFalse();
  }

  @Test
  void aTokenPastItsTimeoutCannotBeCompletedAndTimesOutOnItsOwn() {
    TokenRecord late = store.createToken(env.id(), TestIds.next(), null, List.of(), 1L).token();
    TokenRecord swept = store.createToken(env.id(), TestIds.next(), null, List.of(), 1L).token();
    TokenRecord open = store.createToken(env.id(), TestIds.next(), null, List.of(), null).token();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.now().isAfter(late.timeoutAt()));

    assertThatThrownBy(() -> store.completeToken(env.id(), late.id(), "1", t -> "x"))
        .isInstanceOf(TokenStateConflictException.class);
    assertThat(store.findToken(env.id(), late.id()).orElseThrow().status())
        .isEqualTo(TokenRecord.Status.TIMED_OUT);
    assertThat(store.timeOutDueTokens(100)).isEqualTo(1);
    assertThat(store.findToken(env.id(), swept.id()).orElseThrow().status())
        .isEqualTo(TokenRecord.Status.TIMED_OUT);
    assertThat(store.findToken(env.id(), open.id()).orElseThrow().status())
        .isEqualTo(TokenRecord.Status.WAITING);
    assertThat(store.timeOutDueTokens(100)).isZero();
  }

  @Test
  void timeOutTokenTimesOutAWaitingTokenOnlyOnceItIsDue() {
    TokenRecord due = store.createToken(env.id(), TestIds.next(), null, List.of(), 1_000L).token();
    TokenRecord never = store.createToken(env.id(), TestIds.next(), null, List.of(), null).token();
    TokenRecord completed =
        store.createToken(env.id(), TestIds.next(), null, List.of(), 2_000L).token();
    store.completeToken(env.id(), completed.id(), "7", t -> "x");

    assertThat(store.timeOutToken(due.id()).orElseThrow().status())
        .as("not due yet")
        .isEqualTo(TokenRecord.Status.WAITING);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                store.timeOutToken(due.id()).orElseThrow().status() != TokenRecord.Status.WAITING);

    TokenRecord timedOut = store.findToken(env.id(), due.id()).orElseThrow();
    assertThat(timedOut.status()).isEqualTo(TokenRecord.Status.TIMED_OUT);
    assertThat(timedOut.completedAt()).isNotNull();
    assertThat(timedOut.outputJson()).isNull();
    assertThatThrownBy(() -> store.completeToken(env.id(), due.id(), "1", t -> "x"))
        .isInstanceOfSatisfying(
            TokenStateConflictException.class,
            e -> assertThat(e.token().status()).isEqualTo(TokenRecord.Status.TIMED_OUT));
    assertThat(store.timeOutToken(never.id()).orElseThrow().status())
        .isEqualTo(TokenRecord.Status.WAITING);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.now().isAfter(completed.timeoutAt()));
    assertThat(store.timeOutToken(completed.id()).orElseThrow())
        .as("a completed token stays completed")
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(TokenRecord.Status.COMPLETED);
              assertThat(t.outputJson()).isEqualTo("7");
            });
    assertThat(store.timeOutToken(TestIds.next())).isEmpty();
  }

  @Test
  void listsTokensByStatusAndTagNewestFirst() {
    UUID a = store.createToken(env.id(), TestIds.next(), null, List.of("red"), null).token().id();
    UUID b =
        store
            .createToken(env.id(), TestIds.next(), null, List.of("red", "blue"), null)
            .token()
            .id();
    UUID c = store.createToken(env.id(), TestIds.next(), null, List.of(), null).token().id();
    store.completeToken(env.id(), b, "1", t -> "x");

    assertThat(tokenIds(null, null, null)).containsExactly(c, b, a);
    assertThat(tokenIds(TokenRecord.Status.COMPLETED, null, null)).containsExactly(b);
    assertThat(tokenIds(TokenRecord.Status.WAITING, null, null)).containsExactly(c, a);
    assertThat(tokenIds(null, "red", null)).containsExactly(b, a);
    assertThat(tokenIds(TokenRecord.Status.WAITING, "red", null)).containsExactly(a);
    assertThat(tokenIds(null, null, b)).containsExactly(a);
    assertThat(
            store.listTokens(
                store.ensureEnvironment(env.projectSlug(), "other").id(), null, null, null, 10))
        .isEmpty();
  }

  List<UUID> tokenIds(TokenRecord.Status status, String tag, UUID before) {
    return store.listTokens(env.id(), status, tag, before, 100).stream()
        .map(TokenRecord::id)
        .toList();
  }

  // --- durable execution: child runs -----------------------------------------------------

  NewRun child(UUID parent, int position, int item, String task) {
    return new NewRun(
        TestIds.next(),
        env.id(),
        task,
        "default",
        "{}",
        3,
        List.of(),
        parent + ":" + position + ":" + item,
        0,
        null,
        null,
        parent,
        position,
        item,
        null,
        null,
        0,
        null);
  }

  StepRecord childrenWait(UUID runId, int position, int count) {
    return new StepRecord(
        runId,
        position,
        "trigger:child",
        0,
        StepRecord.Kind.CHILDREN,
        StepRecord.Status.WAITING,
        null,
        null,
        1,
        1,
        null,
        null,
        null,
        null,
        count);
  }

  @Test
  void childrenAreStartedOnceAndTheParentIsResumableWhenAllHaveFinished() {
    UUID parent = insert(run("parent"));
    ClaimedRun p = claimOne("parent", LONG_LEASE);
    List<NewRun> children = List.of(child(parent, 0, 0, "child"), child(parent, 0, 1, "child"));

    assertThat(
            store.suspend(env.id(), lease(p), 1, childrenWait(parent, 0, 2), children, NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.WAITING);
    assertThat(
            store.suspend(
                env.id(),
                lease(p),
                1,
                childrenWait(parent, 0, 2),
                List.of(child(parent, 0, 0, "child")),
                NO_OUTCOME))
        .isEqualTo(Store.SuspendResult.REJECTED);

    assertThat(store.findChildren(parent, 0))
        .extracting(RunRecord::id)
        .containsExactly(children.get(0).id(), children.get(1).id());
    assertThat(find(children.get(0).id()).parentRunId()).isEqualTo(parent);
    finish(success(claimOne("child", LONG_LEASE), "1"));
    assertThat(resumable(parent, 0)).as("one child still runs").isFalse();
    finish(success(claimOne("child", LONG_LEASE), "2"));
    assertThat(resumable(parent, 0)).isTrue();
    assertThat(store.resolveWait(parent, 0, "[1,2]")).isTrue();
    assertThat(find(parent).status()).isEqualTo(RunStatus.QUEUED);
  }

  @Test
  void cancelingAParentCancelsItsUnfinishedChildrenAndTheirChildren() {
    UUID parent = insert(run("parent"));
    ClaimedRun p = claimOne("parent", LONG_LEASE);
    List<NewRun> children =
        List.of(
            child(parent, 0, 0, "child"),
            child(parent, 0, 1, "child"),
            child(parent, 0, 2, "child"));
    store.suspend(env.id(), lease(p), 1, childrenWait(parent, 0, 3), children, NO_OUTCOME);
    finish(success(claimOne("child", LONG_LEASE), "\"done\""));
    ClaimedRun executing = claimOne("child", LONG_LEASE);
    NewRun grandchild = child(executing.runId(), 0, 0, "grandchild");
    store.suspend(
        env.id(),
        lease(executing),
        1,
        childrenWait(executing.runId(), 0, 1),
        List.of(grandchild),
        NO_OUTCOME);
    ClaimedRun grandchildRun = claimOne("grandchild", LONG_LEASE);
    UUID unrelated = insert(run("child"));
    assertThat(find(children.get(1).id()).status()).isEqualTo(RunStatus.WAITING);
    assertThat(find(grandchild.id()).status()).isEqualTo(RunStatus.EXECUTING);

    RunRecord canceled = store.cancel(env.id(), parent);

    assertThat(canceled.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(children.get(0).id()).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(find(children.get(0).id()).outputJson()).isEqualTo("\"done\"");
    assertThat(find(children.get(1).id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(children.get(2).id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(find(children.get(2).id()).finishedAt()).isNotNull();
    assertThat(find(grandchild.id()).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(store.findAttempts(grandchild.id()))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("CANCELED"));
    assertThat(store.heartbeat(env.id(), List.of(lease(grandchildRun)), LONG_LEASE))
        .containsExactly(grandchild.id());
    assertThat(find(unrelated).status()).isEqualTo(RunStatus.QUEUED);
    assertThat(store.claim(env.id(), List.of("child", "grandchild"), "w", 10, LONG_LEASE))
        .extracting(ClaimedRun::runId)
        .containsExactly(unrelated);
  }

  // --- settings --------------------------------------------------------------------------

  @Test
  void aSettingKeepsTheFirstValueStored() throws Exception {
    String name = "setting-" + UUID.randomUUID();
    assertThat(store.setting(name, () -> "first")).isEqualTo("first");
    assertThat(
            store.setting(
                name,
                () -> {
                  throw new AssertionError("a stored setting is not made again");
                }))
        .isEqualTo("first");
    store.close();
    store = open();
    assertThat(store.setting(name, () -> "second")).isEqualTo("first");

    String raced = "raced-" + UUID.randomUUID();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    List<String> values =
        concurrently(8, () -> store.setting(raced, () -> "value-" + n.incrementAndGet()));
    assertThat(values).containsOnly(values.getFirst());
    assertThat(store.setting(raced, () -> "late")).isEqualTo(values.getFirst());
  }

  // --- durability ----------------------------------------------------------------------

  @Test
  void dataSurvivesCloseAndReopen() {
    UUID id = insert(run("durable", 3, List.of("keep"), "kept", 0));
    ClaimedRun claimed = claimOne("durable", LONG_LEASE);
    finish(success(claimed, "{\"done\":1}"));
    RunRecord before = find(id);
    List<AttemptRecord> attempts = store.findAttempts(id);
    store.close();

    store = open();
    assertThat(store.findRun(env.id(), id)).contains(before);
    assertThat(store.findAttempts(id)).isEqualTo(attempts);
    assertThat(store.ensureEnvironment(env.projectSlug(), env.slug())).isEqualTo(env);
    assertThat(store.insertRuns(List.of(run("durable", 3, List.of(), "kept", 0))))
        .containsExactly(new InsertResult(id, false));
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> store.claim(env.id(), List.of("a"), "w", 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease");
    assertThat(store.claim(env.id(), List.of(), "w", 10, LONG_LEASE)).isEmpty();
    assertThat(store.insertRuns(List.of())).isEmpty();
    assertThat(store.finishAttempts(env.id(), List.of())).isEmpty();
    assertThat(store.heartbeat(env.id(), List.of(), LONG_LEASE)).isEmpty();
    UUID id = TestIds.next();
    assertThatThrownBy(
            () ->
                store.finishAttempts(
                    env.id(),
                    List.of(
                        new AttemptOutcome(
                            id, 1, 1, Kind.FAILED, null, "{}", true, 0, RunStatus.COMPLETED))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exhaustedStatus");
    assertThat(Optional.ofNullable(store.toString())).isPresent();
  }
}
