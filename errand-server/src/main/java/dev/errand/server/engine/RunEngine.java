package dev.errand.server.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.PayloadSchema;
import dev.errand.server.store.AttemptRecord;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.RunNotFoundException;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.RunStateConflictException;
import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.InsertResult;
import dev.errand.server.store.Store.RunFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Creating and changing runs on behalf of API callers: trigger, batch trigger, cancel, replay,
 * retry, read and list. The worker side lives in {@link Dispatcher}. Thread-safe.
 */
public final class RunEngine {
  /** Most runs one batch trigger creates: {@value}. */
  public static final int MAX_BATCH_SIZE = 1_000;

  private final Store store;
  private final TaskCatalog catalog;
  private final Wakeups wakeups;
  private final ObjectMapper mapper = Json.mapper();

  private final RunLimits limits;

  RunEngine(Store store, TaskCatalog catalog, Wakeups wakeups, RunLimits limits) {
    this.store = store;
    this.limits = limits;
    this.catalog = catalog;
    this.wakeups = wakeups;
  }

  /**
   * Stores one run per request, all in one transaction, and wakes waiting workers. Returns the run
   * ids in request order; a reused idempotency key returns the existing run.
   *
   * @throws EngineException 404 for an unknown task, 400 for a payload its schema refuses
   */
  public List<InsertResult> trigger(Environment env, String taskId, List<TriggerRequest> items) {
    if (items.isEmpty()) {
      throw EngineException.badRequest("invalid_request", "items must not be empty");
    }
    if (items.size() > MAX_BATCH_SIZE) {
      throw EngineException.badRequest(
          "batch_too_large",
          "a batch holds at most " + MAX_BATCH_SIZE + " items, got " + items.size());
    }
    boolean debounced = items.stream().anyMatch(i -> i.debounce() != null);
    if (debounced) {
      return List.of(debounce(env, taskId, items));
    }
    List<NewRun> runs = newRuns(env, taskId, items, null, 0);
    List<InsertResult> results = store.insertRuns(runs);
    signalInserted(env.id(), runs);
    return results;
  }

  private InsertResult debounce(Environment env, String taskId, List<TriggerRequest> items) {
    if (items.size() != 1) {
      throw EngineException.badRequest(
          "invalid_options", "debounce is for single triggers, not batches");
    }
    TriggerRequest item = items.getFirst();
    TriggerRequest.Debounce d = item.debounce();
    if (item.idempotencyKey() != null || item.delay() != null || item.ttl() != null) {
      throw EngineException.badRequest(
          "invalid_options", "debounce cannot be combined with idempotencyKey, delay or ttl");
    }
    if (d.key() == null
        || d.key().isEmpty()
        || d.key().length() > 256
        || d.key().chars().anyMatch(Character::isISOControl)) {
      throw EngineException.badRequest(
          "invalid_options", "options.debounce.key must be 1 to 256 characters");
    }
    if (d.delay() == null || !d.delay().isPositive() || d.delay().compareTo(MAX_DELAY) > 0) {
      throw EngineException.badRequest(
          "invalid_options", "options.debounce.delay must be positive and at most 365 days");
    }
    if (d.maxDelay() != null
        && (d.maxDelay().compareTo(d.delay()) < 0 || d.maxDelay().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options",
          "options.debounce.maxDelay must be at least the delay and at most 365 days");
    }
    NewRun run = newRuns(env, taskId, items, null, 0).getFirst();
    InsertResult result =
        store.debounce(
            run,
            d.key(),
            d.delay().toMillis(),
            d.maxDelay() == null ? null : d.maxDelay().toMillis());
    java.time.Instant now = java.time.Instant.now();
    wakeups.signalAt(env.id(), taskId, now.plus(d.delay()), now);
    return result;
  }

  /**
   * The runs trigger items of one task would insert, validated like {@link #trigger}'s, for a
   * caller that stores them together with its own writes in one transaction (webhook ingestion).
   * Call {@link #inserted} once they are stored.
   *
   * @throws EngineException 404 for an unknown task, 400 for a payload its schema refuses
   */
  public List<NewRun> prepare(Environment env, String taskId, List<TriggerRequest> items) {
    return newRuns(env, taskId, items, null, 0);
  }

  /** Wakes the workers of runs stored through {@link #prepare}. */
  public void inserted(UUID environmentId, List<NewRun> runs) {
    signalInserted(environmentId, runs);
  }

  /** Wakes the workers of inserted runs: now for due ones, at their time for delayed ones. */
  void signalInserted(UUID environmentId, List<NewRun> runs) {
    java.time.Instant now = null;
    java.util.Set<String> signaled = new java.util.HashSet<>();
    for (NewRun run : runs) {
      if (run.delayMillis() > 0) {
        now = now == null ? java.time.Instant.now() : now;
        wakeups.signalAt(environmentId, run.taskId(), now.plusMillis(run.delayMillis()), now);
      } else if (signaled.add(run.taskId())) {
        wakeups.signal(environmentId, run.taskId());
      }
    }
  }

  /**
   * The runs to insert for trigger items of one task, validated. With a {@code parentRunId}, they
   * are the children a parent's step at {@code parentPosition} waits for: each gets the parent's
   * link and an idempotency key of its place, so a repeated suspension creates nothing twice.
   *
   * @throws EngineException 404 for an unknown task, 400 for a payload its schema refuses
   */
  List<NewRun> newRuns(
      Environment env,
      String taskId,
      List<TriggerRequest> items,
      UUID parentRunId,
      int parentPosition) {
    TaskCatalog.Definition task =
        catalog
            .find(env.id(), taskId)
            .orElseThrow(
                () ->
                    EngineException.notFound(
                        "task_not_found",
                        "no task '"
                            + taskId
                            + "' is registered in environment "
                            + env.slug()
                            + " (a worker registers its tasks when it starts)"));
    List<NewRun> runs = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      TriggerRequest item = items.get(i);
      String at = items.size() == 1 ? "" : "items[" + i + "].";
      validateOptions(item, at);
      validatePayload(task, item.payload(), at);
      long delayMillis = item.delay() == null ? 0 : item.delay().toMillis();
      int maxAttempts =
          item.maxAttempts() != null ? item.maxAttempts() : task.record().maxAttempts();
      Long maxDuration =
          item.maxDuration() != null
              ? Long.valueOf(item.maxDuration().toMillis())
              : task.record().maxDurationMillis();
      String key = item.idempotencyKey();
      Long keyTtl =
          key == null
              ? null
              : (item.idempotencyKeyTTL() == null
                      ? DEFAULT_IDEMPOTENCY_KEY_TTL
                      : item.idempotencyKeyTTL())
                  .toMillis();
      if (parentRunId != null) {
        key = RunIds.format(parentRunId) + ":" + parentPosition + ":" + i;
        keyTtl = null; // holds as long as the parent may resume
      }
      runs.add(
          new NewRun(
              RunIds.next(),
              env.id(),
              taskId,
              task.record().queue(),
              payloadJson(item.payload(), at),
              maxAttempts,
              item.tags() == null ? List.of() : item.tags(),
              key,
              delayMillis,
              null,
              maxDuration,
              parentRunId,
              parentRunId == null ? null : parentPosition,
              parentRunId == null ? null : i,
              keyTtl,
              item.ttl() == null ? null : item.ttl().toMillis(),
              item.priority() == null ? 0 : item.priority().toMillis(),
              item.concurrencyKey() == null ? "" : item.concurrencyKey(),
              metadataJson(item.metadata(), at)));
    }
    return runs;
  }

  /** How long an idempotency key holds unless the trigger says otherwise: 30 days. */
  public static final Duration DEFAULT_IDEMPOTENCY_KEY_TTL = Duration.ofDays(30);

  /** Longest delay, maximum duration and idempotency key time to live: 365 days. */
  public static final Duration MAX_DELAY = Duration.ofDays(365);

  /**
   * The options' ranges, checked here too because child runs reach the engine from workers, not
   * through the HTTP parser: an out-of-range value must be a 400, not a database error.
   */
  private static void validateOptions(TriggerRequest item, String at) {
    if (item.maxAttempts() != null
        && (item.maxAttempts() < 1 || item.maxAttempts() > RetryPolicy.MAX_ATTEMPTS_LIMIT)) {
      throw EngineException.badRequest(
          "invalid_options",
          at
              + "options.maxAttempts must be from 1 to "
              + RetryPolicy.MAX_ATTEMPTS_LIMIT
              + ", was "
              + item.maxAttempts());
    }
    if (item.delay() != null
        && (item.delay().isNegative() || item.delay().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options", at + "options.delay must be from 0 to 365 days, was " + item.delay());
    }
    if (item.maxDuration() != null
        && (!item.maxDuration().isPositive() || item.maxDuration().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options",
          at
              + "options.maxDuration must be positive and at most 365 days, was "
              + item.maxDuration());
    }
    if (item.idempotencyKeyTTL() != null
        && (!item.idempotencyKeyTTL().isPositive()
            || item.idempotencyKeyTTL().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options",
          at
              + "options.idempotencyKeyTTL must be positive and at most 365 days, was "
              + item.idempotencyKeyTTL());
    }
    if (item.priority() != null
        && (item.priority().isNegative() || item.priority().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options", at + "options.priority must be 0 to 365 days in seconds");
    }
    if (item.ttl() != null && (!item.ttl().isPositive() || item.ttl().compareTo(MAX_DELAY) > 0)) {
      throw EngineException.badRequest(
          "invalid_options",
          at + "options.ttl must be positive and at most 365 days, was " + item.ttl());
    }
    List<String> tags = item.tags() == null ? List.of() : item.tags();
    if (tags.size() > TriggerOptions.MAX_TAGS) {
      throw EngineException.badRequest(
          "invalid_options", at + "options.tags holds at most " + TriggerOptions.MAX_TAGS);
    }
    for (String tag : tags) {
      if (tag == null
          || tag.isEmpty()
          || tag.length() > TriggerOptions.MAX_TAG_LENGTH
          || tag.chars().anyMatch(Character::isISOControl)) {
        throw EngineException.badRequest(
            "invalid_options",
            at
                + "each tag must be 1 to "
                + TriggerOptions.MAX_TAG_LENGTH
                + " characters without control characters");
      }
    }
  }

  private void validatePayload(TaskCatalog.Definition task, JsonNode payload, String prefix) {
    if (task.payloadSchema() == null) {
      return;
    }
    List<String> problems = PayloadSchema.validate(task.payloadSchema(), payload);
    if (!problems.isEmpty()) {
      throw EngineException.badRequest(
          "invalid_payload",
          prefix
              + "payload does not match task '"
              + task.record().taskId()
              + "': "
              + String.join("; ", problems));
    }
  }

  /** A run with its attempts and recorded steps. */
  public record RunDetails(RunRecord run, List<AttemptRecord> attempts, List<StepRecord> steps) {}

  public RunDetails get(Environment env, UUID runId) {
    RunRecord run = store.findRun(env.id(), runId).orElseThrow(() -> runNotFound(runId));
    return new RunDetails(run, store.findAttempts(runId), store.findSteps(runId));
  }

  public List<RunRecord> list(Environment env, RunFilter filter, int limit) {
    return store.listRuns(env.id(), filter, limit);
  }

  /**
   * Cancels a run that has not finished. An executing attempt learns it at its next heartbeat.
   *
   * @throws EngineException 404 for an unknown run, 409 for a finished one
   */
  public RunDetails cancel(Environment env, UUID runId) {
    try {
      RunRecord run = store.cancel(env.id(), runId);
      // a canceled executing run frees its queue slot: claims held back by a queue limit (on any
      // node) may go on
      wakeups.signal(env.id());
      store.announceDue(env.id());
      return new RunDetails(run, store.findAttempts(runId), store.findSteps(runId));
    } catch (RunNotFoundException e) {
      throw runNotFound(runId);
    } catch (RunStateConflictException e) {
      throw EngineException.conflict(
          "run_not_cancelable",
          "run " + RunIds.format(runId) + " is " + e.current() + " and can no longer be canceled");
    }
  }

  /**
   * Releases an idempotency key of a task: the next trigger with it creates a new run. Returns
   * whether a run held it.
   */
  public boolean resetIdempotencyKey(Environment env, String taskId, String key) {
    return store.releaseIdempotencyKey(env.id(), taskId, key);
  }

  /**
   * Moves the due time of a delayed run.
   *
   * @throws EngineException 404 for an unknown run, 409 for a run that is not {@code DELAYED}
   */
  public RunDetails reschedule(Environment env, UUID runId, Duration delay) {
    try {
      RunRecord run = store.reschedule(env.id(), runId, delay.toMillis());
      java.time.Instant now = store.now();
      wakeups.signalAt(env.id(), run.taskId(), run.availableAt(), now);
      store.announceDue(env.id());
      return new RunDetails(run, store.findAttempts(runId), store.findSteps(runId));
    } catch (RunNotFoundException e) {
      throw runNotFound(runId);
    } catch (RunStateConflictException e) {
      throw conflict("run_not_delayed", runId, e, "; only a DELAYED run can be rescheduled");
    }
  }

  /** Triggers a new run of the same task with the same payload, tags and metadata. */
  public UUID replay(Environment env, UUID runId) {
    return replay(env, runId, null);
  }

  /**
   * Triggers a new run of the same task, with {@code payload} instead of the original's when not
   * null (validated against the task's payload schema, like a trigger's).
   *
   * @throws EngineException 404 for an unknown run or task, 400 for a payload the task refuses
   */
  public UUID replay(Environment env, UUID runId, JsonNode payload) {
    RunRecord original = store.findRun(env.id(), runId).orElseThrow(() -> runNotFound(runId));
    TaskCatalog.Definition task =
        catalog
            .find(env.id(), original.taskId())
            .orElseThrow(
                () ->
                    EngineException.notFound(
                        "task_not_found",
                        "task '" + original.taskId() + "' is no longer registered"));
    NewRun copy = replayOf(original, null);
    if (payload != null) {
      validatePayload(task, payload, "");
      copy = copy.withPayload(payloadJson(payload, ""));
    }
    UUID id = store.insertRuns(List.of(copy)).getFirst().runId();
    wakeups.signal(env.id(), original.taskId());
    return id;
  }

  /**
   * A new run of the original's task with its payload, tags, metadata, maximum duration, priority,
   * concurrency key and attempt budget, {@code replayOf} the original; no recorded step is carried
   * over.
   */
  static NewRun replayOf(RunRecord original, String idempotencyKey) {
    return new NewRun(
        RunIds.next(),
        original.environmentId(),
        original.taskId(),
        original.queue(),
        original.payloadJson(),
        original.attemptBudget(),
        original.tags(),
        idempotencyKey,
        0,
        original.id(),
        original.maxDurationMillis(),
        null,
        null,
        null,
        null,
        null,
        original.priorityMillis(),
        original.concurrencyKey(),
        original.metadataJson());
  }

  /**
   * Puts a run that ended without success back in the queue: the same run resumes after its last
   * completed step, with a fresh attempt budget.
   *
   * @throws EngineException 404 for an unknown run, 409 for a run that is not {@code FAILED},
   *     {@code CRASHED}, {@code TIMED_OUT}, {@code CANCELED} or {@code SYSTEM_FAILURE}
   */
  public RunDetails retry(Environment env, UUID runId) {
    try {
      RunRecord run = store.retry(env.id(), runId);
      wakeups.signal(env.id(), run.taskId());
      store.announceDue(env.id());
      return new RunDetails(run, store.findAttempts(runId), store.findSteps(runId));
    } catch (RunNotFoundException e) {
      throw runNotFound(runId);
    } catch (RunStateConflictException e) {
      throw conflict(
          "run_not_retryable",
          runId,
          e,
          "; only a run that ended FAILED, CRASHED, TIMED_OUT, CANCELED or SYSTEM_FAILURE"
              + " can be retried (replay it instead)");
    }
  }

  /**
   * 409: the run's status ({@code e.current()}) does not allow the operation; {@code rule} says
   * which does.
   */
  private static EngineException conflict(
      String code, UUID runId, RunStateConflictException e, String rule) {
    return EngineException.conflict(
        code, "run " + RunIds.format(runId) + " is " + e.current() + rule);
  }

  private static EngineException runNotFound(UUID runId) {
    return EngineException.notFound("run_not_found", "no run " + RunIds.format(runId));
  }

  /** The payload as stored, refused with 413 when it is over the payload limit. */
  private String payloadJson(JsonNode payload, String at) {
    String json = toJson(payload);
    long bytes =
        json.length() <= limits.maxPayloadBytes() / 3 ? json.length() : RunLimits.utf8Length(json);
    if (bytes > limits.maxPayloadBytes()) {
      throw new EngineException(
          413,
          "payload_too_large",
          at
              + "payload is "
              + bytes
              + " bytes of JSON, more than this server's limit of "
              + limits.maxPayloadBytes()
              + " bytes; pass large data by reference (an object store key or URL) instead");
    }
    return json;
  }

  /**
   * The metadata as stored (null for none), refused with 400 when it is not a JSON object or is
   * over the metadata limit. Checked here, not only in the HTTP parser, because child runs reach
   * the engine from workers.
   */
  private String metadataJson(JsonNode metadata, String at) {
    if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
      return null;
    }
    if (!metadata.isObject()) {
      throw EngineException.badRequest(
          "invalid_options",
          at
              + "options.metadata must be a JSON object, was "
              + metadata.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    String json = toJson(metadata);
    int limit = limits.maxMetadataBytes();
    long bytes = json.length() <= limit / 3 ? json.length() : RunLimits.utf8Length(json);
    if (bytes > limit) {
      throw EngineException.badRequest(
          "invalid_options",
          at
              + "options.metadata is "
              + bytes
              + " bytes of JSON, more than this server's limit of "
              + limit
              + " bytes; keep metadata small and pass large data by reference instead");
    }
    return json;
  }

  private String toJson(JsonNode node) {
    try {
      return mapper.writeValueAsString(node == null ? mapper.nullNode() : node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
