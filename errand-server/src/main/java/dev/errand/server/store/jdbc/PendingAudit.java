package dev.errand.server.store.jdbc;

import dev.errand.server.store.AuditEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The audit entry of the action running on this thread (see {@link JdbcAuditStore#appendWith}),
 * written by the store method that makes the action's write, in that write's transaction: {@link
 * #write} appends it there, {@link Database} tells it whether that transaction committed or rolled
 * back (a transaction that runs again after a lost race writes it again). An entry is written at
 * most once per action. A thread without an action in progress pays one thread-local read per
 * transaction.
 */
final class PendingAudit {
  private static final ThreadLocal<PendingAudit> CURRENT = new ThreadLocal<>();

  private final AuditEntry entry;
  private final JdbcAuditStore log;
  private boolean inTransaction;
  private boolean committed;

  private PendingAudit(AuditEntry entry, JdbcAuditStore log) {
    this.entry = entry;
    this.log = log;
  }

  /** Runs {@code action} with {@code entry} pending; whether a transaction of it wrote it. */
  static boolean during(AuditEntry entry, JdbcAuditStore log, Runnable action) {
    PendingAudit outer = CURRENT.get();
    if (outer != null) {
      throw new IllegalStateException(
          "an audited action is already in progress on this thread: " + outer.entry.action());
    }
    PendingAudit pending = new PendingAudit(entry, log);
    CURRENT.set(pending);
    try {
      action.run();
      return pending.committed;
    } finally {
      CURRENT.remove();
    }
  }

  /**
   * Appends the pending entry, if any, in the caller's transaction, with the ids of the runs the
   * write created added to its details (none: empty).
   */
  static void write(Connection connection, List<UUID> createdRunIds) throws SQLException {
    write(connection, null, createdRunIds);
  }

  /**
   * Appends the pending entry, if any, in the caller's transaction, with {@code targetId} as its
   * target id when the entry has none (an object created by this write: the caller could not know
   * its id before).
   */
  static void write(Connection connection, String targetId) throws SQLException {
    write(connection, targetId, List.of());
  }

  private static void write(Connection connection, String targetId, List<UUID> createdRunIds)
      throws SQLException {
    PendingAudit pending = CURRENT.get();
    if (pending == null || pending.committed || pending.inTransaction) {
      return;
    }
    AuditEntry entry = withRunIds(pending.entry, createdRunIds);
    if (entry.targetId() == null && targetId != null) {
      entry = entry.withTargetId(targetId);
    }
    pending.log.insert(connection, entry);
    pending.inTransaction = true;
  }

  /** Appends the pending entry, if any, in the caller's transaction. */
  static void write(Connection connection) throws SQLException {
    write(connection, null, List.of());
  }

  static void committed() {
    PendingAudit pending = CURRENT.get();
    if (pending != null && pending.inTransaction) {
      pending.inTransaction = false;
      pending.committed = true;
    }
  }

  static void rolledBack() {
    PendingAudit pending = CURRENT.get();
    if (pending != null) {
      pending.inTransaction = false;
    }
  }

  /** {@code entry} with {@code "runIds": [...]} (UUIDs) added to its details object. */
  static AuditEntry withRunIds(AuditEntry entry, List<UUID> runIds) {
    if (runIds.isEmpty()) {
      return entry;
    }
    StringBuilder ids = new StringBuilder("\"runIds\":[");
    for (int i = 0; i < runIds.size(); i++) {
      ids.append(i == 0 ? "\"" : ",\"").append(runIds.get(i)).append('"');
    }
    ids.append(']');
    String details = entry.detailsJson().strip();
    String body = details.substring(1, details.length() - 1).strip();
    return entry.withDetailsJson("{" + (body.isEmpty() ? "" : body + ",") + ids + "}");
  }
}
