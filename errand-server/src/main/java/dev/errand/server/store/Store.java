package dev.errand.server.store;

import dev.errand.sdk.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Durable state of Errand: environments and keys, task definitions, runs and attempts. One
 * interface, two implementations (PostgreSQL and the embedded H2 store) that pass one contract test
 * suite. All time that decides ownership (lease expiry, due times) is the database's clock.
 *
 * <p>Every status write is guarded by {@link RunStatus#canMoveTo(RunStatus)}: statements only match
 * rows whose current status may move to the target, and worker writes also present the lease token.
 *
 * <p>Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

  /** Whether the database answers a trivial query now. */
  boolean isReachable();

  /** The database's current time. */
  Instant now();

  // --- environments and keys ------------------------------------------------------------

  /** Finds or creates project {@code projectSlug} and its environment {@code environmentSlug}. */
  Environment ensureEnvironment(String projectSlug, String environmentSlug);

  /**
   * Stores a secret key's hash for an environment as an {@code admin} key named {@code bootstrap-}
   * and the hash's first 8 characters; a hash already stored is left as it is.
   */
  void ensureApiKey(UUID environmentId, String keyHash, String keyPrefix, String lastFour);

  /** The environment a secret key's hash belongs to, unless the key is unknown or revoked. */
  Optional<Environment> findEnvironmentByKeyHash(String keyHash);

  /** An environment by its id. */
  Optional<Environment> findEnvironment(UUID id);

  /** The environment's cap on executing runs across all its queues, or null for none. */
  Integer environmentConcurrencyLimit(UUID environmentId);

  /** Sets (or, with null, removes) the environment's cap on executing runs. */
  void setEnvironmentConcurrencyLimit(UUID environmentId, Integer limit);

  // --- tasks ----------------------------------------------------------------------------

  /**
   * Creates or replaces task definitions, as registered by a worker, and sets the concurrency limit
   * of their queues as they declare it (the last registration of a queue wins).
   */
  void upsertTasks(UUID environmentId, List<TaskRecord> tasks);

  Optional<TaskRecord> findTask(UUID environmentId, String taskId);

  // --- runs -----------------------------------------------------------------------------

  /**
   * Inserts runs in one transaction, all or none. A run whose idempotency key is already used by a
   * run of the same task in the same environment is not inserted: its result names the existing
   * run. Results are in the order of {@code runs}.
   */
  List<InsertResult> insertRuns(List<NewRun> runs);

  Optional<RunRecord> findRun(UUID environmentId, UUID runId);

  /**
   * A debounced trigger, in one transaction: while a run of the same task with the same debounce
   * key is still {@code DELAYED}, it takes {@code run}'s payload and tags and becomes due {@code
   * delayMillis} from now, but no later than {@code maxDelayMillis} after that run was first
   * triggered (when given); otherwise {@code run} is inserted, {@code DELAYED} by {@code
   * delayMillis}. Concurrent triggers with one key never create two waiting runs.
   */
  InsertResult debounce(NewRun run, String key, long delayMillis, Long maxDelayMillis);

  /**
   * Releases an idempotency key of a task, so that the next trigger with it creates a new run;
   * returns whether a run held it. (Keys are also released when their time to live runs out or
   * their run fails.)
   */
  boolean releaseIdempotencyKey(UUID environmentId, String taskId, String key);

  /** The attempts of a run, oldest first. */
  List<AttemptRecord> findAttempts(UUID runId);

  /**
   * Tells every server node sharing this store, this one included, that runs became due in an
   * environment now, so their waiting claims look again (PostgreSQL: {@code NOTIFY}). {@link
   * #insertRuns} announces the runs it inserts by itself. A store with one node does nothing.
   */
  void announceDue(UUID environmentId);

  /**
   * Calls {@code listener} with the environment id of each due-runs announcement from any node
   * (PostgreSQL: {@code LISTEN} on a dedicated connection, reconnecting after failures). A store
   * with one node never calls it. Close the returned handle to stop listening.
   */
  AutoCloseable listenForDue(java.util.function.Consumer<UUID> listener);

  /** Webhook endpoints and deliveries. */
  WebhookStore webhooks();

  /** Schedules and their ticks. */
  ScheduleStore schedules();

  /** Data keys, environment variables and webhook secrets, all sealed. */
  SecretStore secrets();

  /** Projects, environments and API keys. */
  AccessStore access();

  /** The audit log. */
  AuditStore audit();

  /**
   * Gives the store's hot tables their first planner statistics once they hold some rows, before
   * autovacuum would (PostgreSQL; see {@code FirstStatistics}). Returns the tables it analyzed.
   * Cheap once every table has statistics; a store without a planner does nothing.
   */
  List<String> analyzeNewTables();

  /** Runs matching the filter, newest (highest id) first, at most {@code limit}. */
  List<RunRecord> listRuns(UUID environmentId, RunFilter filter, int limit);

  /**
   * Claims up to {@code max} due runs ({@code QUEUED} or {@code DELAYED} with {@code availableAt <=
   * now}) of the given tasks, oldest due first, in one short statement: each becomes {@code
   * EXECUTING} with a new attempt, {@code attemptCount + 1}, a new lease token and a lease of
   * {@code lease} for {@code workerId}. Concurrent claims never return the same run.
   */
  default List<ClaimedRun> claim(
      UUID environmentId, Collection<String> taskIds, String workerId, int max, Duration lease) {
    return claim(environmentId, taskIds, workerId, max, lease, null);
  }

  /**
   * Like {@link #claim(UUID, Collection, String, int, Duration)}, under the environment's cap on
   * executing runs: with {@code environmentLimit} set, claims in the environment take turns and
   * claim at most the cap minus the environment's {@code EXECUTING} runs.
   */
  List<ClaimedRun> claim(
      UUID environmentId,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit);

  /**
   * Like {@link #claim}, for tasks that share {@code queue}: claims only what its limits leave
   * (each concurrency key's limit minus its {@code EXECUTING} runs, the total limit minus the
   * queue's, what the rate limit leaves in its window), sharing the free slots round robin among
   * the keys with due runs. Claims of one queue take turns (PostgreSQL: a transaction-scoped
   * advisory lock), so the limits hold across all server nodes.
   */
  List<ClaimedRun> claimInQueue(
      UUID environmentId,
      String queue,
      QueueLimits limits,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit);

  /**
   * What a claim from a queue must respect; null fields do not limit.
   *
   * @param keyConcurrency most executing runs per concurrency key (runs without a key share one)
   * @param totalConcurrency most executing runs of the queue across its keys
   * @param rateLimit most starts in any {@code rateWindowMillis}: of the queue, or with {@code
   *     rateLimitPerKey} of each key
   */
  record QueueLimits(
      Integer keyConcurrency,
      Integer totalConcurrency,
      Integer rateLimit,
      Long rateWindowMillis,
      boolean rateLimitPerKey) {}

  // --- queues ---------------------------------------------------------------------------

  /** The queues of an environment by name, with their run counts. */
  List<QueueRecord> listQueues(UUID environmentId);

  /**
   * When the window of a rate-limited queue next has room: its oldest recorded start plus {@code
   * windowMillis} (database clock), or empty when the window holds no start.
   */
  Optional<Instant> rateWindowOpensAt(UUID environmentId, String queue, long windowMillis);

  /** One queue with its run counts and its per-concurrency-key breakdown. */
  Optional<QueueRecord> findQueue(UUID environmentId, String name);

  /**
   * The settings of these queues that a claim needs (paused, effective limit), without run counts;
   * queues not found are absent.
   */
  java.util.Map<String, QueueRecord> queueSettings(UUID environmentId, Collection<String> names);

  /** Pauses or resumes a queue; false when the environment has no such queue. */
  boolean setQueuePaused(UUID environmentId, String name, boolean paused);

  /** Sets (or, with null, resets) a queue's run-time limit; false when there is no such queue. */
  boolean setQueueLimitOverride(UUID environmentId, String name, Integer limit);

  /**
   * Ends {@code QUEUED} and {@code DELAYED} runs whose time to live ran out before they started
   * ({@code EXPIRED}), at most {@code limit}; returns the environments that had some.
   */
  Set<UUID> expireRuns(int limit);

  /**
   * Moves the due time of a {@code DELAYED} run to {@code now + delayMillis} (database clock).
   *
   * @throws RunNotFoundException when no such run is in the environment
   * @throws RunStateConflictException when the run is not {@code DELAYED}
   */
  RunRecord reschedule(UUID environmentId, UUID runId, long delayMillis);

  /** The earliest {@code availableAt} among not yet claimed runs of these tasks, if any. */
  Optional<Instant> nextDueAt(UUID environmentId, Collection<String> taskIds);

  /**
   * Extends the given leases, of runs in {@code environmentId} only, to {@code now + lease}.
   * Returns the run ids whose lease was NOT extended because the run is no longer {@code EXECUTING}
   * under that token (canceled, expired and reclaimed, finished).
   */
  Set<UUID> heartbeat(UUID environmentId, List<LeaseRef> leases, Duration lease);

  /**
   * Records the outcome of attempts of runs in {@code environmentId} and moves the runs on, in one
   * transaction. An outcome for a run of another environment changes nothing. An outcome whose
   * lease token is stale, or whose run is no longer {@code EXECUTING}, changes nothing. Results are
   * in the order of {@code outcomes}.
   */
  List<OutcomeResult> finishAttempts(UUID environmentId, List<AttemptOutcome> outcomes);

  /**
   * Cancels a run that is not final: {@code CANCELED}, lease cleared, an executing attempt marked
   * {@code CANCELED}.
   *
   * @throws RunNotFoundException when no such run is in the environment
   * @throws RunStateConflictException when the run is already final
   */
  RunRecord cancel(UUID environmentId, UUID runId);

  /**
   * Puts a run that ended without success ({@link RunStatus#isRetryable()}) back in the queue: the
   * same run, {@code QUEUED} and due now, keeping its attempts and its completed steps, so the next
   * attempt (numbered on from the last) resumes after its last completed step. Its attempt budget
   * starts again: {@code maxAttempts} becomes the attempt count plus the budget it had (see {@link
   * RunRecord#attemptBudget()}). An unfinished wait is dropped, so the run waits again when it gets
   * there. The time to live no longer applies, and the idempotency key stays as it is (held, or
   * released).
   *
   * @throws RunNotFoundException when no such run is in the environment
   * @throws RunStateConflictException when the run is not in a status a retry may leave
   */
  RunRecord retry(UUID environmentId, UUID runId);

  // --- bulk actions ---------------------------------------------------------------------

  /**
   * Creates a {@code RUNNING} bulk action over the runs of the environment that match {@code
   * filter} now; runs created or changed later are not added. Its {@code total} is their number.
   */
  BulkActionRecord createBulkAction(
      UUID environmentId,
      UUID actionId,
      BulkActionRecord.Kind kind,
      BulkActionRecord.Filter filter);

  Optional<BulkActionRecord> findBulkAction(UUID environmentId, UUID actionId);

  /** Bulk actions newest first, before {@code beforeId} when not null, at most {@code limit}. */
  List<BulkActionRecord> listBulkActions(UUID environmentId, UUID beforeId, int limit);

  /**
   * Works through one batch of at most {@code limit} runs of the oldest {@code RUNNING} bulk action
   * no other transaction is working on, in one transaction: cancels or replays them, removes them
   * from the action's pending runs and counts them. An action with nothing pending becomes {@code
   * COMPLETED}. Empty when no action is left to work on.
   *
   * <p>{@code replay} makes the replay of an original for an action (the store calls it for the
   * originals whose task is registered); it must give the replay an idempotency key unique to the
   * action and the original, so that a batch worked through twice would still replay each run once
   * (a replay without a key fails the batch).
   *
   * <p>A batch that fails changes nothing but the action's failure count and error; after {@link
   * #MAX_BULK_ACTION_FAILURES} failed batches in a row the action is {@code FAILED}.
   */
  Optional<BulkBatch> processBulkActionBatch(
      int limit, java.util.function.BiFunction<UUID, RunRecord, NewRun> replay);

  /** Failed batches in a row after which a bulk action is {@code FAILED}: {@value}. */
  int MAX_BULK_ACTION_FAILURES = 5;

  /**
   * What one batch did: the action afterwards, how many runs it canceled (their queue slots are
   * free now) and the tasks of the replays it inserted (their claims should look).
   */
  record BulkBatch(BulkActionRecord action, int canceled, Set<String> replayedTaskIds) {}

  /**
   * {@code EXECUTING} runs whose lease expired before now (database clock), at most {@code limit},
   * with what {@link #finishAttempts} needs to fence them ({@code LEASE_EXPIRED} outcome).
   */
  List<ExpiredLease> findExpiredLeases(int limit);

  @Override
  void close();

  /** A project's environment; the unit every stored object belongs to. */
  record Environment(UUID id, UUID projectId, String projectSlug, String slug) {}

  /** A lease a worker holds on an executing run. */
  record LeaseRef(UUID runId, long leaseToken) {}

  /**
   * An executing run whose lease expired: its environment, lease, attempt and last worker, and
   * whether the attempt ran past its maximum duration (its deadline passed) rather than stopped
   * heartbeating.
   */
  record ExpiredLease(
      UUID runId,
      UUID environmentId,
      long leaseToken,
      int attempt,
      String workerId,
      boolean timedOut) {
    public ExpiredLease(
        UUID runId, UUID environmentId, long leaseToken, int attempt, String workerId) {
      this(runId, environmentId, leaseToken, attempt, workerId, false);
    }
  }

  // --- durable execution ----------------------------------------------------------------

  /**
   * Records a step's result for the attempt holding {@code lease}, in a transaction that locks the
   * run: refused (false) when the run in {@code environmentId} is not {@code EXECUTING} under that
   * lease token and attempt. A {@code COMPLETED} step already recorded at the position is left as
   * it is (and the call still succeeds).
   */
  boolean recordStep(UUID environmentId, LeaseRef lease, int attempt, StepRecord step);

  /** The steps of a run, by position. */
  List<StepRecord> findSteps(UUID runId);

  /**
   * Ends an attempt that stops to wait, in one transaction: inserts {@code children} (their
   * idempotency keys make a repeated suspension trigger nothing twice), records {@code waiting}
   * (status {@code WAITING}), marks the attempt {@code SUSPENDED}, and moves the run to {@code
   * WAITING} without a lease. A {@code TOKEN} wait on a token already completed or timed out
   * resolves at once (the run goes back to {@code QUEUED}, {@code tokenOutcomeJson} computing its
   * output).
   */
  SuspendResult suspend(
      UUID environmentId,
      LeaseRef lease,
      int attempt,
      StepRecord waiting,
      List<NewRun> children,
      java.util.function.Function<TokenRecord, String> tokenOutcomeJson);

  /** What {@link #suspend} did. */
  enum SuspendResult {
    /** The run waits. */
    WAITING,
    /** The wait was already over: the run is {@code QUEUED} again. */
    RESUMED,
    /** The lease was not the caller's: nothing changed. */
    REJECTED,
    /** The token to wait for does not exist in the environment: nothing changed. */
    UNKNOWN_TOKEN
  }

  /**
   * {@code WAITING} steps whose wait may be over: a {@code WAIT} or {@code TOKEN} wait whose {@code
   * resumeAt} passed, a {@code TOKEN} wait whose token is no longer {@code WAITING}, a {@code
   * CHILDREN} wait whose children are all final. At most {@code limit}.
   */
  List<WaitingStep> findResumable(int limit);

  /** A waiting step of a run of {@code taskId} in {@code environmentId}. */
  record WaitingStep(
      UUID environmentId,
      String taskId,
      UUID runId,
      int position,
      StepRecord.Kind kind,
      UUID tokenId) {}

  /**
   * Completes a {@code WAITING} step with {@code outputJson} and moves its {@code WAITING} run back
   * to {@code QUEUED}, due now, keeping its attempt number. False when the step was no longer
   * waiting (another node resolved it).
   */
  boolean resolveWait(UUID runId, int position, String outputJson);

  /** The children a {@code CHILDREN} step started, in item order. */
  List<RunRecord> findChildren(UUID parentRunId, int position);

  /**
   * Times out a {@code WAITING} token whose {@code timeoutAt} passed; returns the token as it is
   * after the call (completed, timed out, or still waiting when not due), empty when unknown.
   */
  Optional<TokenRecord> timeOutToken(UUID tokenId);

  // --- waitpoint tokens -------------------------------------------------------------------

  /**
   * Creates a token, or returns the one created earlier with the same idempotency key in the
   * environment ({@code created=false}).
   *
   * @param timeoutMillis null for a token that never times out
   */
  TokenInsert createToken(
      UUID environmentId,
      UUID tokenId,
      String idempotencyKey,
      List<String> tags,
      Long timeoutMillis);

  record TokenInsert(TokenRecord token, boolean created) {}

  Optional<TokenRecord> findToken(UUID environmentId, UUID tokenId);

  /** Tokens newest first, filtered by status and tag when not null, before id when not null. */
  List<TokenRecord> listTokens(
      UUID environmentId, TokenRecord.Status status, String tag, UUID beforeId, int limit);

  /**
   * Completes a {@code WAITING} token with {@code outputJson} and, in the same transaction,
   * resolves every wait on it with {@code stepOutputJson} (the runs go back to {@code QUEUED}).
   * Returns the resolved waits.
   *
   * @throws TokenNotFoundException when no such token is in the environment
   * @throws TokenStateConflictException when the token was already completed or timed out
   */
  List<WaitingStep> completeToken(
      UUID environmentId,
      UUID tokenId,
      String outputJson,
      java.util.function.Function<TokenRecord, String> stepOutputJson);

  /**
   * Times out up to {@code limit} {@code WAITING} tokens whose timeout passed, whether or not a run
   * waits on them; returns how many. (Runs waiting on them resume through {@link #findResumable}.)
   */
  int timeOutDueTokens(int limit);

  /** The value of a server-wide setting, storing {@code initial} first when it has none. */
  String setting(String name, java.util.function.Supplier<String> initial);

  /** Result of inserting one run: its id, and whether it is new or an idempotent duplicate. */
  record InsertResult(UUID runId, boolean created) {}

  /** Result of one attempt outcome: the run's status after it, or {@code accepted=false}. */
  record OutcomeResult(UUID runId, boolean accepted, RunStatus status, Instant availableAt) {}

  /** Filters of {@link #listRuns}; null fields do not filter. */
  record RunFilter(
      RunStatus status,
      String taskId,
      String tag,
      Instant createdFrom,
      Instant createdTo,
      UUID beforeId,
      UUID scheduleId) {
    /** A filter of runs of any schedule (or none). */
    public RunFilter(
        RunStatus status,
        String taskId,
        String tag,
        Instant createdFrom,
        Instant createdTo,
        UUID beforeId) {
      this(status, taskId, tag, createdFrom, createdTo, beforeId, null);
    }
  }
}
