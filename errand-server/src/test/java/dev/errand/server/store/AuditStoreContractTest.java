package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.server.audit.Actor;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditLog;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.store.AuditStore.Filter;
import dev.errand.server.store.Store.Environment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit log part of the store contract, run against each store by a subclass. */
abstract class AuditStoreContractTest {

  Store store;
  AuditStore audit;
  Environment env;

  abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    audit = store.audit();
    env = store.ensureEnvironment("a-" + UUID.randomUUID(), "prod");
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  AuditEntry entry(String action, String actorId, String targetType, String targetId) {
    return new AuditEntry(
        env.id(),
        "api_key",
        actorId,
        "sk_prod_" + actorId,
        "10.1.2.3",
        action,
        targetType,
        targetId,
        "{\"note\":\"n\"}",
        "req-1");
  }

  NewRun run(String task, String idempotencyKey) {
    return new NewRun(
        TestIds.next(),
        env.id(),
        task,
        "default",
        StoreContractTest.PAYLOAD,
        3,
        List.of(),
        idempotencyKey,
        0,
        null);
  }

  List<AuditRecord> all() {
    return audit.list(env.id(), Filter.NONE, 100);
  }

  @Test
  void anAppendedRowKeepsEveryFieldAndTheDatabaseTime() {
    Instant before = store.now().minusSeconds(1);
    audit.append(entry("run.canceled", "key-1", "run", "run_1"));
    List<AuditRecord> rows = all();
    assertThat(rows).hasSize(1);
    AuditRecord r = rows.getFirst();
    assertThat(r.environmentId()).isEqualTo(env.id());
    assertThat(r.actorType()).isEqualTo("api_key");
    assertThat(r.actorId()).isEqualTo("key-1");
    assertThat(r.actorName()).isEqualTo("sk_prod_key-1");
    assertThat(r.address()).isEqualTo("10.1.2.3");
    assertThat(r.action()).isEqualTo("run.canceled");
    assertThat(r.targetType()).isEqualTo("run");
    assertThat(r.targetId()).isEqualTo("run_1");
    assertThat(r.detailsJson()).contains("\"note\"");
    assertThat(r.requestId()).isEqualTo("req-1");
    assertThat(r.occurredAt()).isBetween(before, store.now().plusSeconds(1));
  }

  @Test
  void filtersNarrowTheListAndTheCursorPagesNewestFirst() {
    for (int i = 0; i < 5; i++) {
      audit.append(entry("run.canceled", "key-a", "run", "run_" + i));
    }
    audit.append(entry("queue.paused", "key-b", "queue", "emails"));
    audit.append(entry("schedule.deleted", "key-a", "schedule", "sched_1"));

    assertThat(audit.list(env.id(), filter("run.canceled", null, null, null, null), 100))
        .hasSize(5);
    assertThat(audit.list(env.id(), filter(null, "key-b", null, null, null), 100))
        .extracting(AuditRecord::action)
        .containsExactly("queue.paused");
    assertThat(audit.list(env.id(), filter(null, null, "sk_prod_key-a", null, null), 100))
        .hasSize(6);
    assertThat(audit.list(env.id(), filter(null, null, null, "schedule", null), 100))
        .extracting(AuditRecord::targetId)
        .containsExactly("sched_1");
    assertThat(audit.list(env.id(), filter(null, null, null, "run", "run_3"), 100)).hasSize(1);

    List<AuditRecord> seen = new ArrayList<>();
    Long cursor = null;
    do {
      List<AuditRecord> page =
          audit.list(
              env.id(), new Filter("run.canceled", null, null, null, null, null, null, cursor), 2);
      seen.addAll(page);
      cursor = page.size() == 2 ? page.getLast().id() : null;
    } while (cursor != null);
    assertThat(seen)
        .extracting(AuditRecord::targetId)
        .containsExactly("run_4", "run_3", "run_2", "run_1", "run_0");
  }

  @Test
  void sinceIsInclusiveAndUntilExclusiveOnTheDatabaseClock() {
    audit.append(entry("queue.paused", "k", "queue", "q"));
    Instant at = all().getFirst().occurredAt();
    assertThat(list(at, null)).hasSize(1);
    assertThat(list(null, at)).isEmpty();
    assertThat(list(at.minus(Duration.ofMinutes(1)), at.plus(Duration.ofMinutes(1)))).hasSize(1);
    assertThat(list(at.plusMillis(1), null)).isEmpty();
  }

  private List<AuditRecord> list(Instant since, Instant until) {
    return audit.list(env.id(), new Filter(null, null, null, null, null, since, until, null), 10);
  }

  private static Filter filter(
      String action, String actorId, String actorName, String targetType, String targetId) {
    return new Filter(action, actorId, actorName, targetType, targetId, null, null, null);
  }

  @Test
  void rowsNeverCrossEnvironments() {
    Environment other = store.ensureEnvironment("a-" + UUID.randomUUID(), "prod");
    audit.append(entry("queue.paused", "k", "queue", "q"));
    assertThat(audit.list(other.id(), Filter.NONE, 10)).isEmpty();
    assertThat(all()).hasSize(1);
  }

  @Test
  void appendWithWritesTheRowWithTheRunsItCreatedInTheirTransaction() {
    UUID existing = store.insertRuns(List.of(run("t", "k-1"))).getFirst().runId();
    NewRun fresh = run("t", null);
    List<Store.InsertResult> results =
        audit.appendWith(
            entry("run.triggered", "key", "task", "t"),
            () -> store.insertRuns(List.of(fresh, run("t", "k-1"))));
    assertThat(results.get(1).runId()).isEqualTo(existing);
    List<AuditRecord> rows = all();
    assertThat(rows).hasSize(1);
    // only the run this request created, not the idempotent duplicate
    assertThat(rows.getFirst().detailsJson())
        .contains("\"note\"")
        .contains(fresh.id().toString())
        .doesNotContain(existing.toString());
  }

  @Test
  void appendWithWritesNothingWhenTheActionFails() {
    UUID id = store.insertRuns(List.of(run("t", null))).getFirst().runId();
    store.cancel(env.id(), id);
    assertThatThrownBy(
            () ->
                audit.appendWith(
                    entry("run.canceled", "key", "run", "r"), () -> store.cancel(env.id(), id)))
        .isInstanceOf(RunStateConflictException.class);
    assertThat(all()).isEmpty();
  }

  @Test
  void appendWithAppendsAfterAnActionWithoutAnAuditedWrite() {
    String result = audit.appendWith(entry("api_key.created", "key", "api_key", "k2"), () -> "ok");
    assertThat(result).isEqualTo("ok");
    assertThat(all()).extracting(AuditRecord::action).containsExactly("api_key.created");
  }

  @Test
  void aRowIsWrittenOncePerActionEvenWhenItWritesTwice() {
    UUID a = store.insertRuns(List.of(run("t", null))).getFirst().runId();
    UUID b = store.insertRuns(List.of(run("t", null))).getFirst().runId();
    audit.appendWith(
        entry("run.canceled", "key", "run", "r"),
        () -> {
          store.cancel(env.id(), a);
          return store.cancel(env.id(), b);
        });
    assertThat(all()).hasSize(1);
  }

  @Test
  void theKeyAndEnvironmentVariableActionsAreRecordedThroughTheService() {
    AuditLog log = new AuditLog(audit);
    Actor admin = new Actor(Actor.Type.ADMIN, "admin-1", "ops", "192.0.2.7");
    log.record(
        env.id(),
        admin,
        AuditAction.KEY_CREATED,
        AuditTarget.apiKey("key_1"),
        "{\"name\":\"ci\"}",
        null);
    log.record(env.id(), admin, AuditAction.KEY_REVOKED, AuditTarget.apiKey("key_1"), null, null);
    log.around(
        env.id(),
        admin,
        AuditAction.ENVVAR_SET,
        AuditTarget.envvar("STRIPE_KEY"),
        "{\"created\":true}",
        "req-9",
        () -> "stored");
    log.record(
        env.id(), admin, AuditAction.ENVVAR_DELETED, AuditTarget.envvar("STRIPE_KEY"), null, null);
    List<AuditRecord> rows = all();
    assertThat(rows)
        .extracting(AuditRecord::action, AuditRecord::targetType, AuditRecord::targetId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("envvar.deleted", "envvar", "STRIPE_KEY"),
            org.assertj.core.groups.Tuple.tuple("envvar.set", "envvar", "STRIPE_KEY"),
            org.assertj.core.groups.Tuple.tuple("api_key.revoked", "api_key", "key_1"),
            org.assertj.core.groups.Tuple.tuple("api_key.created", "api_key", "key_1"));
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.actorType()).isEqualTo("admin");
              assertThat(r.actorName()).isEqualTo("ops");
              assertThat(r.address()).isEqualTo("192.0.2.7");
            });
  }

  /**
   * Runs {@code write} in an audited action that throws after it: the row is there only because the
   * write's own transaction inserted it (the after-success fallback never runs on a throw).
   */
  private void rowCommitsWithTheWrite(String action, Runnable write) {
    assertThatThrownBy(
            () ->
                audit.appendWith(
                    entry(action, "key", "t", action),
                    () -> {
                      write.run();
                      throw new IllegalStateException("after the write");
                    }))
        .hasMessage("after the write");
    assertThat(audit.list(env.id(), filter(action, null, null, null, null), 10))
        .as(action)
        .hasSize(1);
  }

  @Test
  void eachAuditedStoreWriteInsertsTheRowInItsOwnTransaction() {
    store.upsertTasks(
        env.id(), List.of(new TaskRecord("t", "q-audit", 3, "{\"maxAttempts\":3}", null, null)));
    UUID run = store.insertRuns(List.of(run("t", null))).getFirst().runId();
    rowCommitsWithTheWrite("run.triggered", () -> store.insertRuns(List.of(run("t", null))));
    rowCommitsWithTheWrite("debounce", () -> store.debounce(run("t", null), "k", 60_000, null));
    rowCommitsWithTheWrite("run.canceled", () -> store.cancel(env.id(), run));
    rowCommitsWithTheWrite("run.retried", () -> store.retry(env.id(), run));
    rowCommitsWithTheWrite("queue.paused", () -> store.setQueuePaused(env.id(), "q-audit", true));
    rowCommitsWithTheWrite(
        "queue.concurrency_overridden", () -> store.setQueueLimitOverride(env.id(), "q-audit", 2));
    rowCommitsWithTheWrite(
        "environment.concurrency_set", () -> store.setEnvironmentConcurrencyLimit(env.id(), 4));

    UUID token = TestIds.next();
    store.createToken(env.id(), token, null, List.of(), null);
    rowCommitsWithTheWrite(
        "waitpoint_token.completed", () -> store.completeToken(env.id(), token, "{}", t -> "{}"));

    ScheduleRecord schedule =
        store
            .schedules()
            .upsert(
                new ScheduleRecord(
                    UUID.randomUUID(),
                    env.id(),
                    "t",
                    "0 3 * * *",
                    "UTC",
                    null,
                    null,
                    false,
                    true,
                    "skip",
                    100,
                    "allow",
                    0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
            .schedule();
    rowCommitsWithTheWrite(
        "schedule.deactivated",
        () -> store.schedules().update(schedule.withNext(false, null, null)));
    rowCommitsWithTheWrite(
        "schedule.deleted", () -> store.schedules().delete(env.id(), schedule.id()));

    String endpointId = "we_" + UUID.randomUUID().toString().replace("-", "");
    WebhookEndpointRecord endpoint =
        new WebhookEndpointRecord(
            endpointId,
            env.id(),
            "audited",
            "{\"type\":\"github\"}",
            "[]",
            null,
            60_000,
            1 << 20,
            null,
            null,
            true,
            null,
            null,
            List.of());
    // a new endpoint's id is filled in by its write
    assertThatThrownBy(
            () ->
                audit.appendWith(
                    entry("webhook_endpoint.created", "key", "webhook_endpoint", null),
                    () -> {
                      store.webhooks().createEndpoint(endpoint, "s3cret");
                      throw new IllegalStateException("after the write");
                    }))
        .hasMessage("after the write");
    assertThat(audit.list(env.id(), filter("webhook_endpoint.created", null, null, null, null), 10))
        .extracting(AuditRecord::targetId)
        .containsExactly(endpointId);
    rowCommitsWithTheWrite(
        "webhook_endpoint.updated", () -> store.webhooks().updateEndpoint(endpoint));
    rowCommitsWithTheWrite(
        "webhook_endpoint.secret_rotated",
        () -> store.webhooks().rotateSecret(env.id(), endpointId, v -> "n3w", 0));
    rowCommitsWithTheWrite(
        "webhook_endpoint.deleted", () -> store.webhooks().deleteEndpoint(env.id(), endpointId));
    assertThat(all()).noneMatch(r -> r.detailsJson().contains("s3cret"));
  }
}
