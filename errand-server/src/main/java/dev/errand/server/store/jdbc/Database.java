package dev.errand.server.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.errand.server.store.StoreException;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The connection pool, plus the two ways the store talks to it: a single auto-committed statement
 * ({@link #read}) or a short transaction ({@link #transaction}). Maps every {@link SQLException} to
 * a {@link StoreException} that names the operation and the SQLState. Thread-safe.
 */
final class Database implements AutoCloseable {

  /** Tries of a transaction that lost a race it can win by simply running again. */
  static final int MAX_TRIES = 3;

  /**
   * Unique constraints whose violation means "a concurrent transaction inserted the same thing
   * first": the work re-reads what exists before writing, so running it again succeeds. Names are
   * the same in both schemas.
   */
  private static final Set<String> RACE_CONSTRAINTS =
      Set.of(
          "runs_idempotency_uidx",
          "waitpoint_tokens_idempotency_uidx",
          "server_settings",
          "tasks_pkey",
          "projects_slug_key",
          "environments_project_slug_key",
          "api_keys_key_hash_key",
          "api_keys_live_name_key",
          "webhook_endpoints_name_uidx",
          "schedules_dedup_uidx",
          "schedules_declarative_uidx",
          "schedule_ticks_pkey",
          "secret_data_keys_pkey",
          "environment_variables_pkey");

  private static final int MAX_MESSAGE_LENGTH = 300;

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final HikariDataSource pool;
  private final String description;

  Database(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  DataSource dataSource() {
    return pool;
  }

  /**
   * Runs {@code work}, one statement that writes atomically on its own, on an auto-commit
   * connection.
   */
  <T> T statement(String operation, Work<T> work) {
    return read(operation, work);
  }

  /** Runs {@code work} on an auto-commit connection. */
  <T> T read(String operation, Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  /**
   * Runs {@code work} in one transaction and commits it. Retries the whole transaction when it lost
   * a deadlock, a serialization conflict or an insert race (see {@link #RACE_CONSTRAINTS}).
   */
  <T> T transaction(String operation, Work<T> work) {
    for (int tries = 1; ; tries++) {
      try {
        return once(work);
      } catch (SQLException e) {
        if (tries >= MAX_TRIES || !isRetryable(e)) {
          throw failure(operation, e);
        }
      }
    }
  }

  private <T> T once(Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        PendingAudit.committed();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        PendingAudit.rolledBack();
        throw e;
      }
      // HikariCP restores auto-commit when the connection goes back to the pool.
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  static boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    if ("40001".equals(state) || "40P01".equals(state)) {
      return true;
    }
    if ("23505".equals(state) && e.getMessage() != null) {
      String message = e.getMessage().toLowerCase(Locale.ROOT);
      return RACE_CONSTRAINTS.stream().anyMatch(message::contains);
    }
    return false;
  }

  /**
   * A diagnostic exception for a failed operation. The driver's message is cut short: it may quote
   * values, and payloads must not end up in logs.
   */
  StoreException failure(String operation, SQLException e) {
    restoreInterruptFlag(e);
    // Batch failures keep the statement's real error in the chain of next exceptions.
    SQLException next = e.getNextException();
    if (next != null && next != e.getCause()) {
      e.addSuppressed(next);
    }
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.length() > MAX_MESSAGE_LENGTH) {
      message = message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }
    return new StoreException(
        operation
            + " failed on "
            + description
            + " (SQLState "
            + e.getSQLState()
            + ", error code "
            + e.getErrorCode()
            + "): "
            + message,
        e);
  }

  private static void restoreInterruptFlag(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return description;
  }
}
