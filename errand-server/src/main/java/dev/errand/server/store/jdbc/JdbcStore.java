package dev.errand.server.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.errand.server.store.AccessStore;
import dev.errand.server.store.AttemptOutcome;
import dev.errand.server.store.AttemptRecord;
import dev.errand.server.store.AuditStore;
import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.ScheduleStore;
import dev.errand.server.store.SecretStore;
import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.StoreException;
import dev.errand.server.store.TaskRecord;
import dev.errand.server.store.TokenRecord;
import dev.errand.server.store.WebhookStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on a JDBC database: PostgreSQL, or H2 for the embedded store. Opening one
 * creates a HikariCP pool and migrates the schema with Flyway. Each operation is one statement or
 * one short transaction; the SQL that differs between the databases lives in a {@link Dialect}.
 * Thread-safe. Create one with {@link dev.errand.server.store.Stores}.
 */
public final class JdbcStore implements Store {

  /** How long an operation waits for a pooled connection before it fails. */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /**
   * H2 settings of the embedded store. {@code WRITE_DELAY=0} writes each commit to the file before
   * the commit returns, so a killed process loses no committed work (H2's default, 500 ms, loses
   * everything since the last flush). {@code LOCK_TIMEOUT} lets a writer wait for a row another
   * transaction holds. {@code DB_CLOSE_ON_EXIT=FALSE}: the store, not a shutdown hook, closes it.
   */
  public static final String H2_SETTINGS =
      ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";

  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

  private final Database database;
  private final Environments environments;
  private final TaskDefinitions tasks;
  private final RunInsertion insertion;
  private final RunQueries queries;
  private final Leases leases;
  private final AttemptOutcomes outcomes;
  private final Cancellation cancellation;
  private final Steps steps;
  private final Tokens tokens;
  private final Queues queues;
  private final RunSchedule schedule;
  private final Debounces debounces;
  private final ManualRetry manualRetry;
  private final BulkActions bulkActions;
  private final BulkActionBatches bulkActionBatches;
  private final PostgresUrl listenUrl;
  private final FirstStatistics firstStatistics;
  private final WebhookStore webhooks;
  private final ScheduleStore schedules;
  private final SecretStore secrets;
  private final AccessStore access;
  private final AuditStore audit;

  /** Tells this store's own due-runs announcements from other nodes'. */
  private final String nodeId = UUID.randomUUID().toString();

  private JdbcStore(Database database, Dialect dialect, PostgresUrl listenUrl) {
    this.database = database;
    this.listenUrl = listenUrl;
    this.firstStatistics =
        dialect instanceof PostgresDialect ? new FirstStatistics(database) : null;
    this.environments = new Environments(database);
    this.tasks = new TaskDefinitions(database, dialect);
    this.insertion = new RunInsertion(database, dialect, nodeId);
    this.webhooks = new JdbcWebhookStore(database, dialect, insertion);
    this.schedules = new Schedules(database, dialect, insertion);
    this.secrets = new JdbcSecretStore(database, dialect);
    this.access = new JdbcAccessStore(database, environments);
    this.queries = new RunQueries(database, dialect);
    this.steps = new Steps(database, insertion, dialect);
    this.tokens = new Tokens(database, dialect);
    this.queues = new Queues(database, dialect);
    this.schedule = new RunSchedule(database, dialect);
    this.debounces = new Debounces(database, dialect);
    this.leases = new Leases(database, dialect);
    this.outcomes = new AttemptOutcomes(database, dialect);
    this.cancellation = new Cancellation(database);
    this.manualRetry = new ManualRetry(database);
    this.bulkActions = new BulkActions(database, dialect);
    this.bulkActionBatches = new BulkActionBatches(database, insertion);
    this.audit = new JdbcAuditStore(database, dialect);
  }

  /** Opens a store on PostgreSQL with a pool of {@code poolSize} connections, and migrates it. */
  public static JdbcStore postgres(PostgresUrl url, int poolSize) {
    HikariConfig config = poolConfig("errand-postgres", poolSize);
    config.setJdbcUrl(url.jdbcUrl());
    config.setUsername(url.user());
    config.setPassword(url.password());
    return open(new PostgresDialect(), config, "PostgreSQL " + url, url);
  }

  /** Opens (creating if needed) the embedded H2 store in {@code dataDir}, and migrates it. */
  public static JdbcStore embedded(Path dataDir, int poolSize) {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (dir.toString().contains(";")) {
      throw new IllegalArgumentException(
          "embedded store directory must not contain ';' but was " + dir);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create embedded store directory " + dir, e);
    }
    HikariConfig config = poolConfig("errand-embedded", poolSize);
    config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("errand") + H2_SETTINGS);
    return open(new H2Dialect(), config, "embedded H2 in " + dir, null);
  }

  private static HikariConfig poolConfig(String name, int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1 but was " + poolSize);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    return config;
  }

  private static JdbcStore open(
      Dialect dialect, HikariConfig config, String description, PostgresUrl listenUrl) {
    migrate(dialect, config, description);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to " + description + ": " + rootMessage(e), e);
    }
    return new JdbcStore(new Database(pool, description), dialect, listenUrl);
  }

  /**
   * Migrates the schema on Flyway's own connections, before the pool opens. Two reasons: Flyway
   * holds one connection for its lock while it migrates on another, which a pool of one could not
   * give it; and H2 2.4.240 breaks a {@code CHECK (x IN (...))} constraint once the session that
   * created it closes, until the database is reopened (h2database issues 4291, 4302, 4308). With no
   * pool open, closing Flyway's connections closes the embedded database, and the pool then reopens
   * it with the constraints read afresh.
   */
  private static void migrate(Dialect dialect, HikariConfig config, String description) {
    try {
      var result =
          Flyway.configure(JdbcStore.class.getClassLoader())
              .dataSource(config.getJdbcUrl(), config.getUsername(), config.getPassword())
              .locations(dialect.migrationLocation())
              .failOnMissingLocations(true)
              .load()
              .migrate();
      LOG.info(
          "Opened {}: schema version {} ({} migration(s) applied)",
          description,
          result.targetSchemaVersion,
          result.migrationsExecuted);
    } catch (RuntimeException e) { // FlywayException included
      throw new StoreException("migrating " + description + " failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " / " + root.getMessage();
  }

  @Override
  public boolean isReachable() {
    try (Connection connection = database.dataSource().getConnection()) {
      return connection.isValid((int) CONNECTION_TIMEOUT.toSeconds());
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public Instant now() {
    return queries.now();
  }

  @Override
  public Environment ensureEnvironment(String projectSlug, String environmentSlug) {
    return environments.ensure(projectSlug, environmentSlug);
  }

  @Override
  public void ensureApiKey(UUID environmentId, String keyHash, String keyPrefix, String lastFour) {
    environments.ensureApiKey(environmentId, keyHash, keyPrefix, lastFour);
  }

  @Override
  public Optional<Environment> findEnvironment(UUID id) {
    return environments.findById(id);
  }

  @Override
  public Optional<Environment> findEnvironmentByKeyHash(String keyHash) {
    return environments.findByKeyHash(keyHash);
  }

  @Override
  public Integer environmentConcurrencyLimit(UUID environmentId) {
    return environments.concurrencyLimit(environmentId);
  }

  @Override
  public void setEnvironmentConcurrencyLimit(UUID environmentId, Integer limit) {
    environments.setConcurrencyLimit(environmentId, limit);
  }

  @Override
  public void upsertTasks(UUID environmentId, List<TaskRecord> taskRecords) {
    tasks.upsert(environmentId, taskRecords);
  }

  @Override
  public Optional<TaskRecord> findTask(UUID environmentId, String taskId) {
    return tasks.find(environmentId, taskId);
  }

  @Override
  public List<InsertResult> insertRuns(List<NewRun> runs) {
    return insertion.insert(runs);
  }

  @Override
  public boolean releaseIdempotencyKey(UUID environmentId, String taskId, String key) {
    return insertion.releaseKey(environmentId, taskId, key);
  }

  @Override
  public InsertResult debounce(NewRun run, String key, long delayMillis, Long maxDelayMillis) {
    return debounces.debounce(run, key, delayMillis, maxDelayMillis);
  }

  @Override
  public Optional<RunRecord> findRun(UUID environmentId, UUID runId) {
    return queries.findRun(environmentId, runId);
  }

  @Override
  public List<AttemptRecord> findAttempts(UUID runId) {
    return queries.findAttempts(runId);
  }

  @Override
  public List<RunRecord> listRuns(UUID environmentId, RunFilter filter, int limit) {
    return queries.listRuns(environmentId, filter, limit);
  }

  @Override
  public List<ClaimedRun> claim(
      UUID environmentId,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit) {
    return leases.claim(environmentId, taskIds, workerId, max, lease, environmentLimit);
  }

  @Override
  public List<ClaimedRun> claimInQueue(
      UUID environmentId,
      String queue,
      QueueLimits limit,
      Collection<String> taskIds,
      String workerId,
      int max,
      Duration lease,
      Integer environmentLimit) {
    return leases.claimInQueue(
        environmentId, queue, limit, taskIds, workerId, max, lease, environmentLimit);
  }

  @Override
  public List<dev.errand.server.store.QueueRecord> listQueues(UUID environmentId) {
    return queues.list(environmentId);
  }

  @Override
  public Optional<Instant> rateWindowOpensAt(UUID environmentId, String queue, long windowMillis) {
    return queues.rateWindowOpensAt(environmentId, queue, windowMillis);
  }

  @Override
  public Optional<dev.errand.server.store.QueueRecord> findQueue(UUID environmentId, String name) {
    return queues.find(environmentId, name);
  }

  @Override
  public java.util.Map<String, dev.errand.server.store.QueueRecord> queueSettings(
      UUID environmentId, Collection<String> names) {
    return queues.settings(environmentId, names);
  }

  @Override
  public boolean setQueuePaused(UUID environmentId, String name, boolean paused) {
    return queues.setPaused(environmentId, name, paused);
  }

  @Override
  public boolean setQueueLimitOverride(UUID environmentId, String name, Integer limit) {
    return queues.setLimitOverride(environmentId, name, limit);
  }

  @Override
  public Set<UUID> expireRuns(int limit) {
    return schedule.expire(limit);
  }

  @Override
  public RunRecord reschedule(UUID environmentId, UUID runId, long delayMillis) {
    return schedule.reschedule(environmentId, runId, delayMillis);
  }

  @Override
  public Optional<Instant> nextDueAt(UUID environmentId, Collection<String> taskIds) {
    return queries.nextDueAt(environmentId, taskIds);
  }

  @Override
  public Set<UUID> heartbeat(UUID environmentId, List<LeaseRef> leaseRefs, Duration lease) {
    return leases.heartbeat(environmentId, leaseRefs, lease);
  }

  @Override
  public List<OutcomeResult> finishAttempts(
      UUID environmentId, List<AttemptOutcome> attemptOutcomes) {
    return outcomes.finish(environmentId, attemptOutcomes);
  }

  @Override
  public RunRecord cancel(UUID environmentId, UUID runId) {
    return cancellation.cancel(environmentId, runId);
  }

  @Override
  public RunRecord retry(UUID environmentId, UUID runId) {
    return manualRetry.retry(environmentId, runId);
  }

  @Override
  public BulkActionRecord createBulkAction(
      UUID environmentId,
      UUID actionId,
      BulkActionRecord.Kind kind,
      BulkActionRecord.Filter filter) {
    return bulkActions.create(environmentId, actionId, kind, filter);
  }

  @Override
  public Optional<BulkActionRecord> findBulkAction(UUID environmentId, UUID actionId) {
    return bulkActions.find(environmentId, actionId);
  }

  @Override
  public List<BulkActionRecord> listBulkActions(UUID environmentId, UUID beforeId, int limit) {
    return bulkActions.list(environmentId, beforeId, limit);
  }

  @Override
  public Optional<BulkBatch> processBulkActionBatch(
      int limit, BiFunction<UUID, RunRecord, NewRun> replay) {
    return bulkActionBatches.process(limit, replay);
  }

  @Override
  public List<ExpiredLease> findExpiredLeases(int limit) {
    return queries.findExpiredLeases(limit);
  }

  @Override
  public boolean recordStep(UUID environmentId, LeaseRef lease, int attempt, StepRecord step) {
    return steps.record(environmentId, lease, attempt, step);
  }

  @Override
  public List<StepRecord> findSteps(UUID runId) {
    return steps.find(runId);
  }

  @Override
  public SuspendResult suspend(
      UUID environmentId,
      LeaseRef lease,
      int attempt,
      StepRecord waiting,
      List<NewRun> children,
      Function<TokenRecord, String> tokenOutcomeJson) {
    return steps.suspend(environmentId, lease, attempt, waiting, children, tokenOutcomeJson);
  }

  @Override
  public List<WaitingStep> findResumable(int limit) {
    return steps.findResumable(limit);
  }

  @Override
  public boolean resolveWait(UUID runId, int position, String outputJson) {
    return steps.resolve(runId, position, outputJson);
  }

  @Override
  public List<RunRecord> findChildren(UUID parentRunId, int position) {
    return steps.findChildren(parentRunId, position);
  }

  @Override
  public Optional<TokenRecord> timeOutToken(UUID tokenId) {
    return tokens.timeOut(tokenId);
  }

  @Override
  public TokenInsert createToken(
      UUID environmentId,
      UUID tokenId,
      String idempotencyKey,
      List<String> tags,
      Long timeoutMillis) {
    return tokens.create(environmentId, tokenId, idempotencyKey, tags, timeoutMillis);
  }

  @Override
  public Optional<TokenRecord> findToken(UUID environmentId, UUID tokenId) {
    return tokens.find(environmentId, tokenId);
  }

  @Override
  public List<TokenRecord> listTokens(
      UUID environmentId, TokenRecord.Status status, String tag, UUID beforeId, int limit) {
    return tokens.list(environmentId, status, tag, beforeId, limit);
  }

  @Override
  public List<WaitingStep> completeToken(
      UUID environmentId,
      UUID tokenId,
      String outputJson,
      Function<TokenRecord, String> stepOutputJson) {
    return tokens.complete(environmentId, tokenId, outputJson, stepOutputJson, insertion);
  }

  @Override
  public int timeOutDueTokens(int limit) {
    return tokens.timeOutDue(limit);
  }

  @Override
  public String setting(String name, Supplier<String> initial) {
    return Tokens.setting(database, name, initial);
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  @Override
  public ScheduleStore schedules() {
    return schedules;
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public AccessStore access() {
    return access;
  }

  @Override
  public AuditStore audit() {
    return audit;
  }

  @Override
  public List<String> analyzeNewTables() {
    return firstStatistics == null ? List.of() : firstStatistics.analyzeNewTables();
  }

  @Override
  public void announceDue(UUID environmentId) {
    if (listenUrl != null) {
      insertion.announce(environmentId);
    }
  }

  @Override
  public AutoCloseable listenForDue(java.util.function.Consumer<UUID> listener) {
    if (listenUrl == null) {
      return () -> {};
    }
    return new PostgresDueListener(listenUrl, nodeId, listener);
  }

  @Override
  public void close() {
    database.close();
  }

  @Override
  public String toString() {
    return "JdbcStore[" + database + "]";
  }
}
