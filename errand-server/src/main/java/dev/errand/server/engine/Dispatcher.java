package dev.errand.server.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.Queue;
import dev.errand.sdk.RunError;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol.AttemptResult;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ChildTrigger;
import dev.errand.sdk.internal.protocol.WorkerProtocol.StepReport;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Suspension;
import dev.errand.sdk.internal.protocol.WorkerProtocol.TaskRegistration;
import dev.errand.server.store.AttemptOutcome;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.QueueRecord;
import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.LeaseRef;
import dev.errand.server.store.Store.OutcomeResult;
import dev.errand.server.store.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The worker side of the engine: task registration, long-polled claims, attempt outcomes and
 * heartbeats. Every write a worker makes presents its lease token; stale ones change nothing.
 * Thread-safe.
 */
public final class Dispatcher {
  /** Most runs one claim hands out: {@value}. */
  public static final int MAX_CLAIM = 500;

  /** Longest wait: 366 days. */
  public static final Duration MAX_WAIT = Duration.ofDays(366);

  /** The error type of an attempt whose output is over the output limit (never retried). */
  public static final String OUTPUT_TOO_LARGE = "dev.errand.OutputTooLarge";

  /** The error type of an attempt that ran past its maximum duration. */
  public static final String MAX_DURATION_EXCEEDED = "dev.errand.MaxDurationExceeded";

  private final Store store;
  private final TaskCatalog catalog;
  private final Wakeups wakeups;
  private final EngineConfig config;
  private final RunLimits limits;
  private final ObjectMapper mapper = Json.mapper();
  private final StoppedWorkers stopped = new StoppedWorkers();
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicInteger rotation =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);

  private final RunEngine runs;
  private final Waitpoints waitpoints;
  private final EnvironmentLimits environmentLimits;

  Dispatcher(
      Store store,
      TaskCatalog catalog,
      Wakeups wakeups,
      EngineConfig config,
      RunLimits limits,
      RunEngine runs,
      Waitpoints waitpoints,
      EnvironmentLimits environmentLimits) {
    this.store = store;
    this.limits = limits;
    this.environmentLimits = environmentLimits;
    this.runs = runs;
    this.waitpoints = waitpoints;
    this.catalog = catalog;
    this.wakeups = wakeups;
    this.config = config;
  }

  public EngineConfig config() {
    return config;
  }

  /**
   * Stores a worker's task definitions. A worker id that said it stopped is usable again: the
   * worker (re)starts with this call.
   */
  public void register(Environment env, String workerId, List<TaskRegistration> registrations) {
    if (registrations == null || registrations.isEmpty()) {
      throw EngineException.badRequest("invalid_request", "tasks must not be empty");
    }
    List<TaskRecord> records = new ArrayList<>();
    for (TaskRegistration r : registrations) {
      if (r.id() == null || !Task.ID_PATTERN.matcher(r.id()).matches()) {
        throw EngineException.badRequest(
            "invalid_task", "task id must match " + Task.ID_PATTERN + ", was '" + r.id() + "'");
      }
      String queue = r.queue() == null ? Task.DEFAULT_QUEUE : r.queue();
      if (!Task.ID_PATTERN.matcher(queue).matches() || r.retry() == null) {
        throw EngineException.badRequest(
            "invalid_task", "task '" + r.id() + "' needs a valid queue and retry policy");
      }
      checkLimit(queue, r.id(), "concurrencyLimit", r.concurrencyLimit());
      checkLimit(queue, r.id(), "totalConcurrencyLimit", r.totalConcurrencyLimit());
      if ((r.rateLimit() == null) != (r.rateWindowMillis() == null)
          || (r.rateLimit() != null
              && (r.rateLimit() < 1
                  || r.rateLimit() > Queue.MAX_CONCURRENCY_LIMIT
                  || r.rateWindowMillis() < 1_000
                  || r.rateWindowMillis() > 86_400_000L))) {
        throw EngineException.badRequest(
            "invalid_task",
            "queue '"
                + queue
                + "' needs a rate limit from 1 to "
                + Queue.MAX_CONCURRENCY_LIMIT
                + " per a window of 1 s to 1 day");
      }
      if (r.maxDurationMillis() != null
          && (r.maxDurationMillis() <= 0
              || r.maxDurationMillis() > RunEngine.MAX_DELAY.toMillis())) {
        throw EngineException.badRequest(
            "invalid_task",
            "task '" + r.id() + "' needs a maxDuration that is positive and at most 365 days");
      }
      records.add(
          new TaskRecord(
              r.id(),
              queue,
              r.retry().maxAttempts(),
              toJson(r.retry()),
              r.payloadSchema() == null ? null : toJson(r.payloadSchema()),
              null,
              r.maxDurationMillis(),
              r.concurrencyLimit(),
              r.rateLimit(),
              r.rateWindowMillis(),
              r.totalConcurrencyLimit(),
              Boolean.TRUE.equals(r.rateLimitPerKey())));
    }
    catalog.register(env.id(), records);
    stopped.remove(workerId);
  }

  private static void checkLimit(String queue, String taskId, String what, Integer limit) {
    if (limit != null && (limit < 1 || limit > Queue.MAX_CONCURRENCY_LIMIT)) {
      throw EngineException.badRequest(
          "invalid_task",
          "queue '"
              + queue
              + "' of task '"
              + taskId
              + "' needs a "
              + what
              + " from 1 to "
              + Queue.MAX_CONCURRENCY_LIMIT
              + ", was "
              + limit);
    }
  }

  /**
   * Claims up to {@code max} due runs of {@code taskIds}. When none is due, waits up to {@code
   * wait} for one to become due (long polling) and then returns an empty list at once, without
   * claiming: the worker asks again straight away. Claiming only at the start of a request means a
   * worker that died while its request waited (a killed process whose socket the server has not
   * noticed closing) can never be handed runs it will not run.
   */
  public List<ClaimedRun> claim(
      Environment env, String workerId, List<String> taskIds, int max, Duration wait)
      throws InterruptedException {
    if (taskIds == null || taskIds.isEmpty()) {
      throw EngineException.badRequest("invalid_request", "tasks must not be empty");
    }
    for (String taskId : taskIds) {
      if (taskId == null || !Task.ID_PATTERN.matcher(taskId).matches()) {
        throw EngineException.badRequest(
            "invalid_request", "task ids must match " + Task.ID_PATTERN + ", got '" + taskId + "'");
      }
    }
    if (closing || stopped.contains(workerId)) {
      return List.of();
    }
    long generation = wakeups.stamp(env.id(), taskIds);
    int limit = Math.clamp(max, 1, MAX_CLAIM);
    QueuePlan plan = plan(env, taskIds);
    List<ClaimedRun> claimed = new ArrayList<>();
    int groups = plan.limited().size() + (plan.unlimited().isEmpty() ? 0 : 1);
    // Each claim starts with another group, so a backlog in one cannot starve the others of a
    // worker that asks for few runs at a time.
    int first = groups <= 1 ? 0 : Math.floorMod(rotation.getAndIncrement(), groups);
    for (int g = 0; g < groups && claimed.size() < limit; g++) {
      int group = (first + g) % groups;
      try {
        claimed.addAll(claimGroup(env, plan, group, workerId, limit - claimed.size()));
      } catch (RuntimeException e) {
        if (claimed.isEmpty()) {
          throw e;
        }
        // runs already claimed (and committed) must reach the worker: answer with them
        log.warn(
            "claiming group {} of worker {} failed; answering with the runs claimed",
            group,
            workerId,
            e);
        break;
      }
    }
    if (claimed.isEmpty()) {
      awaitDue(env, workerId, taskIds, plan, generation, wait);
    }
    return claimed;
  }

  /** Group 0..n-1 of a plan: the limited queues, then the unlimited tasks as one group. */
  private List<ClaimedRun> claimGroup(
      Environment env, QueuePlan plan, int group, String workerId, int max) {
    if (group == plan.limited().size()) {
      return store.claim(
          env.id(),
          plan.unlimited(),
          workerId,
          max,
          config.leaseDuration(),
          plan.environmentLimit());
    }
    LimitedQueue q = plan.limited().get(group);
    return store.claimInQueue(
        env.id(),
        q.name(),
        q.limits(),
        q.taskIds(),
        workerId,
        max,
        config.leaseDuration(),
        plan.environmentLimit());
  }

  /** Tasks of a queue with a concurrency or rate limit. */
  private record LimitedQueue(String name, Store.QueueLimits limits, List<String> taskIds) {}

  /**
   * The tasks of a claim, split into those without a queue limit and those with one, and the
   * environment's cap (null for none).
   */
  private record QueuePlan(
      List<String> unlimited, List<LimitedQueue> limited, Integer environmentLimit) {
    boolean holdsBack() {
      return !limited.isEmpty() || environmentLimit != null;
    }
  }

  /**
   * Splits a claim's tasks by their queue's settings, read fresh for each claim (one small query)
   * so that a pause or a limit override applies to every claim that starts after it: tasks of
   * paused queues are left out, tasks of limited queues are grouped by queue.
   */
  private QueuePlan plan(Environment env, List<String> taskIds) {
    java.util.Map<String, String> queueOf = new java.util.LinkedHashMap<>();
    for (String taskId : taskIds) {
      catalog.find(env.id(), taskId).ifPresent(d -> queueOf.put(taskId, d.record().queue()));
    }
    java.util.Map<String, QueueRecord> settings =
        store.queueSettings(env.id(), new java.util.HashSet<>(queueOf.values()));
    List<String> unlimited = new ArrayList<>(taskIds.size());
    java.util.Map<String, LimitedQueue> limited = new java.util.LinkedHashMap<>();
    for (String taskId : taskIds) {
      QueueRecord queue = settings.get(queueOf.get(taskId));
      if (queue != null && queue.paused()) {
        continue; // a paused queue starts nothing; its executing runs finish
      }
      if (queue == null
          || (queue.effectiveLimit() == null
              && queue.totalConcurrencyLimit() == null
              && queue.rateLimit() == null)) {
        unlimited.add(taskId);
      } else {
        limited
            .computeIfAbsent(
                queue.name(),
                q ->
                    new LimitedQueue(
                        q,
                        new Store.QueueLimits(
                            queue.effectiveLimit(),
                            queue.totalConcurrencyLimit(),
                            queue.rateLimit(),
                            queue.rateWindowMillis(),
                            queue.rateLimitPerKey()),
                        new ArrayList<>()))
            .taskIds()
            .add(taskId);
      }
    }
    return new QueuePlan(
        unlimited, List.copyOf(limited.values()), environmentLimits.limit(env.id()));
  }

  /**
   * A run of a limited queue left EXECUTING: claims held back by the queue's limit may go on, on
   * this node and (through the store's announcement) on the others.
   */
  private void slotFreed(Environment env) {
    wakeups.signal(env.id());
    store.announceDue(env.id());
  }

  /**
   * Whether a run of a task in a queue with a concurrency limit (per key or in total) left
   * EXECUTING: claims waiting on it may go on.
   */
  private boolean inLimitedQueue(Environment env, String taskId) {
    if (environmentLimits.limit(env.id()) != null) {
      return true; // every run holds a slot of the environment's cap
    }
    return catalog
        .find(env.id(), taskId)
        .map(
            d ->
                d.record().concurrencyLimit() != null || d.record().totalConcurrencyLimit() != null)
        .orElse(false);
  }

  /**
   * Waits until a run may be due: a wake-up on this node, or a due run made by another node. Due
   * runs of a limited queue may be held back by its limit, so they do not end the wait (that would
   * spin); a slot freed on this node wakes the wait, one freed on another node is noticed by the
   * worker's next claim, at most one poll interval later.
   */
  /**
   * A claim held back by a full rate window should look again when the window's oldest start leaves
   * it, not a poll interval later (a wake-up by a trigger would start that interval over, again and
   * again, while triggers keep coming).
   */
  private Duration untilARateWindowOpens(Environment env, QueuePlan plan, Duration wait) {
    Duration shortest = wait;
    Instant now = null;
    for (LimitedQueue q : plan.limited()) {
      if (q.limits().rateLimit() == null) {
        continue;
      }
      Optional<Instant> opens =
          store.rateWindowOpensAt(env.id(), q.name(), q.limits().rateWindowMillis());
      if (opens.isEmpty()) {
        continue;
      }
      now = now == null ? store.now() : now;
      Duration left = Duration.between(now, opens.get()).plus(RATE_WINDOW_SLACK);
      if (left.compareTo(shortest) < 0) {
        shortest = left.isNegative() ? RATE_WINDOW_SLACK : left;
      }
    }
    return shortest;
  }

  /** Added to a rate window's opening (5 ms), so the claim finds the start gone. */
  private static final Duration RATE_WINDOW_SLACK = Duration.ofMillis(5);

  private void awaitDue(
      Environment env,
      String workerId,
      List<String> taskIds,
      QueuePlan plan,
      long generation,
      Duration wait)
      throws InterruptedException {
    Duration capped = wait.compareTo(config.maxClaimWait()) > 0 ? config.maxClaimWait() : wait;
    if (plan.holdsBack() && capped.compareTo(config.pollInterval()) > 0) {
      capped = config.pollInterval();
    }
    capped = untilARateWindowOpens(env, plan, capped);
    List<String> dueTasks = plan.unlimited();
    long deadline = System.nanoTime() + capped.toNanos();
    while (!closing && !stopped.contains(workerId)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Duration pause = Duration.ofNanos(Math.min(left, config.pollInterval().toNanos()));
      if (wakeups.await(env.id(), taskIds, generation, pause)) {
        return;
      }
      if (dueTasks.isEmpty()) {
        continue;
      }
      Optional<Instant> due = store.nextDueAt(env.id(), dueTasks);
      if (due.isPresent() && !due.get().isAfter(store.now())) {
        return;
      }
    }
  }

  /**
   * Records a step's result under the attempt's lease; false when the lease is no longer the
   * worker's.
   */
  public boolean recordStep(Environment env, StepReport report) {
    UUID runId = parseRunId(report.runId());
    StepRecord.Status status;
    try {
      status = StepRecord.Status.valueOf(String.valueOf(report.status()));
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(
          "invalid_step", "step status must be COMPLETED or FAILED, was " + report.status());
    }
    if (status == StepRecord.Status.WAITING) {
      throw EngineException.badRequest("invalid_step", "a step report cannot be WAITING");
    }
    validateStepPlace(report.position(), report.name(), report.index());
    StepRecord step =
        new StepRecord(
            runId,
            report.position(),
            report.name(),
            report.index(),
            StepRecord.Kind.STEP,
            status,
            status == StepRecord.Status.COMPLETED ? stepOutput(report) : null,
            report.error() == null ? null : toJson(report.error()),
            report.attempt(),
            Math.max(1, report.tries()),
            report.startedAt(),
            Instant.now(),
            null,
            null,
            null);
    return store.recordStep(
        env.id(), new LeaseRef(runId, report.leaseToken()), report.attempt(), step);
  }

  private static void validateStepPlace(int position, String name, int index) {
    if (position < 0
        || index < 0
        || name == null
        || name.isBlank()
        || name.length() > 256
        || name.chars().anyMatch(Character::isISOControl)) {
      throw EngineException.badRequest(
          "invalid_step",
          "a step needs a position and index >= 0 and a name of 1 to 256 characters without"
              + " control characters");
    }
  }

  /** Records attempt results; returns the run ids whose result was refused (stale lease). */
  public List<String> complete(Environment env, List<AttemptResult> results) {
    List<String> rejected = new ArrayList<>();
    List<AttemptResult> finished = new ArrayList<>(results.size());
    for (AttemptResult r : results) {
      if (r.suspension() == null) {
        finished.add(r);
      } else if (!suspend(env, r)) {
        rejected.add(r.runId());
      }
    }
    if (finished.isEmpty()) {
      return rejected;
    }
    results = finished;
    List<AttemptOutcome> outcomes = new ArrayList<>(results.size());
    for (AttemptResult r : results) {
      outcomes.add(toOutcome(env, r));
    }
    List<OutcomeResult> applied = store.finishAttempts(env.id(), outcomes);
    boolean finals = false;
    boolean slotsFreed = false;
    Instant dbNow = null;
    for (int i = 0; i < applied.size(); i++) {
      OutcomeResult o = applied.get(i);
      if (o.accepted() && inLimitedQueue(env, results.get(i).taskIdentifier())) {
        slotsFreed = true;
      }
      if (!o.accepted()) {
        rejected.add(RunIds.format(o.runId()));
      } else if (o.status() != null && o.status().isFinal()) {
        finals = true;
      } else if (o.status() == RunStatus.QUEUED && o.availableAt() != null) {
        dbNow = dbNow == null ? store.now() : dbNow;
        wakeups.signalAt(env.id(), results.get(i).taskIdentifier(), o.availableAt(), dbNow);
      }
    }
    if (finals) {
      waitpoints.nudge(); // a finished run may be the last child a parent waits for
    }
    if (slotsFreed) {
      slotFreed(env);
    }
    return rejected;
  }

  /** Ends an attempt that stopped to wait; false when its lease was no longer the worker's. */
  private boolean suspend(Environment env, AttemptResult r) {
    UUID runId = parseRunId(r.runId());
    Suspension s = r.suspension();
    validateStepPlace(s.position(), s.name(), s.index());
    StepRecord.Kind kind;
    try {
      kind = StepRecord.Kind.valueOf(String.valueOf(s.kind()));
    } catch (IllegalArgumentException e) {
      kind = StepRecord.Kind.STEP;
    }
    List<NewRun> children = List.of();
    UUID tokenId = null;
    switch (kind) {
      case WAIT -> {
        if (s.resumeAt() == null && (s.delayMillis() == null || s.delayMillis() < 0)) {
          throw EngineException.badRequest(
              "invalid_suspension", "a WAIT needs resumeAt or a delayMillis >= 0");
        }
        Instant latest = Instant.now().plus(MAX_WAIT);
        if ((s.delayMillis() != null && s.delayMillis() > MAX_WAIT.toMillis())
            || (s.delayMillis() == null && s.resumeAt().isAfter(latest))) {
          throw EngineException.badRequest(
              "invalid_wait", "a wait may last at most 366 days, until " + latest);
        }
      }
      case TOKEN -> {
        try {
          tokenId = RunIds.parseToken(s.tokenId());
        } catch (IllegalArgumentException e) {
          throw EngineException.badRequest("invalid_token_id", e.getMessage());
        }
      }
      case CHILDREN -> children = childRuns(env, runId, s);
      default ->
          throw EngineException.badRequest(
              "invalid_suspension", "kind must be WAIT, TOKEN or CHILDREN, was " + s.kind());
    }
    StepRecord waiting =
        new StepRecord(
            runId,
            s.position(),
            s.name(),
            s.index(),
            kind,
            StepRecord.Status.WAITING,
            null,
            null,
            r.attempt(),
            1,
            null,
            null,
            kind == StepRecord.Kind.WAIT ? resumeAt(s) : null,
            tokenId,
            kind == StepRecord.Kind.CHILDREN ? children.size() : null);
    Store.SuspendResult result =
        store.suspend(
            env.id(),
            new LeaseRef(runId, r.leaseToken()),
            r.attempt(),
            waiting,
            children,
            waitpoints::tokenOutcomeJson);
    switch (result) {
      case REJECTED -> {
        return false;
      }
      case UNKNOWN_TOKEN ->
          throw EngineException.notFound(
              "token_not_found", "no token " + s.tokenId() + " in environment " + env.slug());
      case RESUMED -> wakeups.signal(env.id(), r.taskIdentifier());
      case WAITING -> {
        runs.signalInserted(env.id(), children);
        if (inLimitedQueue(env, r.taskIdentifier())) {
          slotFreed(env); // the waiting run freed its queue slot
        }
        if (kind == StepRecord.Kind.WAIT) {
          waitpoints.wakeAt(waiting.resumeAt());
        }
      }
    }
    return true;
  }

  /** When a WAIT ends: a delay counts from the database's clock, which decides every due time. */
  private Instant resumeAt(Suspension s) {
    return s.delayMillis() != null ? store.now().plusMillis(s.delayMillis()) : s.resumeAt();
  }

  private List<NewRun> childRuns(Environment env, UUID parentId, Suspension s) {
    List<ChildTrigger> triggers = s.children();
    if (triggers == null || triggers.isEmpty() || triggers.size() > RunEngine.MAX_BATCH_SIZE) {
      throw EngineException.badRequest(
          "invalid_suspension",
          "a child-run wait needs 1 to " + RunEngine.MAX_BATCH_SIZE + " children");
    }
    String taskId = triggers.getFirst().task();
    List<TriggerRequest> items = new ArrayList<>(triggers.size());
    for (ChildTrigger t : triggers) {
      if (t == null || t.task() == null || !t.task().equals(taskId)) {
        throw EngineException.badRequest(
            "invalid_suspension", "the children of one wait must all be of one task");
      }
      TriggerOptions o = t.options() == null ? TriggerOptions.NONE : t.options();
      items.add(
          new TriggerRequest(
              t.payload(),
              null, // children get a key of their place in the parent
              o.tags(),
              o.delay(),
              o.maxAttempts(),
              o.maxDuration(),
              null,
              o.ttl(),
              null,
              o.priority(),
              o.concurrencyKey(),
              o.metadata()));
    }
    return runs.newRuns(env, taskId, items, parentId, s.position());
  }

  private AttemptOutcome toOutcome(Environment env, AttemptResult r) {
    UUID runId = parseRunId(r.runId());
    String output = null;
    long outputBytes = 0;
    if (r.success()) {
      output = toJson(r.output() == null ? mapper.nullNode() : r.output());
      outputBytes = outputBytes(output);
      if (outputBytes <= limits.maxOutputBytes()) {
        return new AttemptOutcome(
            runId,
            r.leaseToken(),
            r.attempt(),
            AttemptOutcome.Kind.SUCCEEDED,
            output,
            null,
            false,
            0,
            null);
      }
    }
    RunError error =
        output != null
            ? new RunError(
                OUTPUT_TOO_LARGE,
                "the output is "
                    + outputBytes
                    + " bytes of JSON, more than this server's limit of "
                    + limits.maxOutputBytes()
                    + " bytes; return a reference to large data (an object store key or URL)"
                    + " instead",
                "",
                true)
            : r.error() != null
                ? r.error()
                : new RunError(
                    "dev.errand.UnknownError", "the worker reported no error", "", false);
    long delay =
        catalog
            .find(env.id(), r.taskIdentifier())
            .map(t -> t.retry().delayAfter(r.attempt(), ThreadLocalRandom.current()::nextDouble))
            .orElse(Duration.ZERO)
            .toMillis();
    return new AttemptOutcome(
        runId,
        r.leaseToken(),
        r.attempt(),
        AttemptOutcome.Kind.FAILED,
        null,
        toJson(error),
        !error.nonRetryable(),
        delay,
        MAX_DURATION_EXCEEDED.equals(error.type()) ? RunStatus.TIMED_OUT : RunStatus.FAILED);
  }

  /**
   * The node shuts down: claims waiting here answer empty at once and new ones claim nothing, so no
   * run is leased in a response that would never be delivered.
   */
  public void shutDown() {
    closing = true;
    wakeups.signalAll();
  }

  /**
   * A worker is shutting down: its claims waiting on this node return empty, and later ones too for
   * {@link StoppedWorkers#MEMORY}.
   */
  public void stop(Environment env, String workerId) {
    stopped.add(workerId);
    wakeups.signal(env.id());
  }

  /** Extends leases; returns the run ids whose lease is lost. */
  public List<String> heartbeat(Environment env, List<LeaseRef> leases) {
    Set<UUID> lost = store.heartbeat(env.id(), leases, config.leaseDuration());
    return lost.stream().map(RunIds::format).toList();
  }

  /** A step's output as stored, refused with 413 when it is over the output limit. */
  private String stepOutput(StepReport report) {
    String output = toJson(report.output() == null ? mapper.nullNode() : report.output());
    long bytes = outputBytes(output);
    if (bytes > limits.maxOutputBytes()) {
      throw new EngineException(
          413,
          "output_too_large",
          "step '"
              + report.name()
              + "' returned "
              + bytes
              + " bytes of JSON, more than this server's limit of "
              + limits.maxOutputBytes()
              + " bytes; return a reference to large data instead");
    }
    return output;
  }

  private long outputBytes(String json) {
    return json.length() <= limits.maxOutputBytes() / 3
        ? json.length()
        : RunLimits.utf8Length(json);
  }

  private String toJson(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a run id in a worker message, answering 400 for a malformed one. */
  private static UUID parseRunId(String id) {
    try {
      return RunIds.parse(id);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest("invalid_run_id", e.getMessage());
    }
  }
}
