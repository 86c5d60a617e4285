package dev.errand.server.store.jdbc;

/**
 * Every difference between the SQL Errand sends to PostgreSQL and to H2. All other statements are
 * shared and use only what both understand ({@code CURRENT_TIMESTAMP}, {@code = ANY(?)} with an
 * array parameter, {@code LIMIT ?}). Implementations are stateless or thread-safe.
 */
interface Dialect {

  /** The database's name, for messages. */
  String name();

  /** The Flyway location of this dialect's migrations. */
  String migrationLocation();

  /**
   * An expression: {@code timestampSql} plus a number of milliseconds bound to the one {@code ?}
   * the expression contains. All interval arithmetic happens in the database, on its clock.
   */
  String plusMillis(String timestampSql);

  /**
   * An expression: {@code timestampSql} plus the milliseconds of the SQL expression {@code
   * millisSql}.
   */
  String plusMillisOf(String timestampSql, String millisSql);

  /**
   * The database clock's time now, even inside a transaction that started earlier (PostgreSQL's
   * {@code CURRENT_TIMESTAMP} is the transaction's start, which a claim waiting for its queue's
   * turn took before the wait). Rate windows count starts by this clock.
   */
  default String clockNow() {
    return "CURRENT_TIMESTAMP";
  }

  /** A parameter for a JSON column, bound as text ({@code ?} where the column is text). */
  default String jsonParameter() {
    return "?";
  }

  /** A predicate on {@code runs}: its tags contain the tag bound to the one {@code ?}. */
  String tagsContain();

  /**
   * What follows {@code INSERT INTO runs (...) VALUES (...)} so that a run whose idempotency key is
   * already taken is skipped rather than failing the transaction; empty when the dialect cannot
   * (then the insert fails on the unique index and the transaction is retried, see {@link
   * Database#transaction}).
   */
  String skipTakenIdempotencyKey();

  /**
   * Creates or replaces one task definition, keeping its {@code created_at}. Parameters:
   * environment id, task id, queue, max attempts, retry policy JSON, payload schema JSON, max
   * duration in milliseconds (null for none).
   */
  String upsertTask();

  /**
   * One statement that locks a run under its lease (parameters: step count, run id, environment id,
   * lease token, attempt) and upserts a step at a position (parameters: position, then the step's
   * columns as {@code Steps} binds them), unless a COMPLETED step is there; it returns one row
   * whose first column is 1 when the lease matched, else 0. Null when the dialect records steps in
   * a transaction of several statements instead.
   */
  String recordStep();

  /**
   * Creates or replaces a queue's declared limits. Parameters: environment id, name, concurrency
   * limit, rate limit, rate window in milliseconds (each null for none), total concurrency limit
   * (null for none), whether the rate limit applies per concurrency key.
   */
  String upsertQueue();

  /**
   * A statement that announces due runs (payload bound to its one {@code ?}) to every node sharing
   * the database, delivered when the transaction commits; null when the database serves one node
   * only.
   */
  String announceDue();

  /**
   * Whether succeeded attempts are completed in one set-based statement ({@link
   * PostgresBulkCompletion}) rather than in row-by-row batches.
   */
  boolean completesInBulk();

  /** Whether a unique index can cover only some rows ({@code CREATE UNIQUE INDEX ... WHERE}). */
  boolean hasPartialUniqueIndexes();

  /** How this database hands due runs to workers. */
  Claim claim();
}
