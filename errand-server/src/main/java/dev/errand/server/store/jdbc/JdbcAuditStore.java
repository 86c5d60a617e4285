package dev.errand.server.store.jdbc;

import dev.errand.server.store.AuditEntry;
import dev.errand.server.store.AuditRecord;
import dev.errand.server.store.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The audit log on JDBC. Append-only by construction: the only statements on {@code audit_log} are
 * one INSERT and one SELECT (on PostgreSQL, triggers also refuse UPDATE, DELETE and TRUNCATE).
 */
final class JdbcAuditStore implements AuditStore {
  private static final String COLUMNS =
      "id, environment_id, occurred_at, actor_type, actor_id, actor_name, address, action,"
          + " target_type, target_id, details, request_id";

  private final Database database;
  private final String insert;

  JdbcAuditStore(Database database, Dialect dialect) {
    this.database = database;
    this.insert =
        "INSERT INTO audit_log (environment_id, occurred_at, actor_type, actor_id, actor_name,"
            + " address, action, target_type, target_id, details, request_id) VALUES (?, "
            + dialect.clockNow()
            + ", ?, ?, ?, ?, ?, ?, ?, "
            + dialect.jsonParameter()
            + ", ?)";
  }

  @Override
  public void append(AuditEntry entry) {
    database.transaction(
        "append audit entry " + entry.action(),
        connection -> {
          insert(connection, entry);
          return null;
        });
  }

  @Override
  public <T> T appendWith(AuditEntry entry, Supplier<T> action) {
    List<T> result = new ArrayList<>(1);
    boolean written = PendingAudit.during(entry, this, () -> result.add(action.get()));
    if (!written) {
      append(entry);
    }
    return result.getFirst();
  }

  /** Inserts {@code entry} in the caller's transaction. */
  void insert(Connection connection, AuditEntry entry) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(insert)) {
      ps.setObject(1, entry.environmentId());
      ps.setString(2, entry.actorType());
      ps.setString(3, entry.actorId());
      ps.setString(4, entry.actorName());
      ps.setString(5, entry.address());
      ps.setString(6, entry.action());
      ps.setString(7, entry.targetType());
      ps.setString(8, entry.targetId());
      ps.setString(9, entry.detailsJson());
      ps.setString(10, entry.requestId());
      ps.executeUpdate();
    }
  }

  @Override
  public List<AuditRecord> list(UUID environmentId, Filter filter, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE environment_id = ?");
    List<Object> parameters = new ArrayList<>();
    parameters.add(environmentId);
    where(sql, parameters, "action = ?", filter.action());
    where(sql, parameters, "actor_id = ?", filter.actorId());
    where(sql, parameters, "actor_name = ?", filter.actorName());
    where(sql, parameters, "target_type = ?", filter.targetType());
    where(sql, parameters, "target_id = ?", filter.targetId());
    where(sql, parameters, "occurred_at >= ?", utc(filter.since()));
    where(sql, parameters, "occurred_at < ?", utc(filter.until()));
    where(sql, parameters, "id < ?", filter.beforeId());
    sql.append(" ORDER BY id DESC LIMIT ?");
    return database.read(
        "list audit log",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object parameter : parameters) {
              ps.setObject(i++, parameter);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<AuditRecord> rows = new ArrayList<>();
              while (rs.next()) {
                rows.add(row(rs));
              }
              return rows;
            }
          }
        });
  }

  private static void where(StringBuilder sql, List<Object> parameters, String test, Object value) {
    if (value != null) {
      sql.append(" AND ").append(test);
      parameters.add(value);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static AuditRecord row(ResultSet rs) throws SQLException {
    return new AuditRecord(
        rs.getLong("id"),
        RunRows.uuid(rs, "environment_id"),
        RunRows.instant(rs, "occurred_at"),
        rs.getString("actor_type"),
        rs.getString("actor_id"),
        rs.getString("actor_name"),
        rs.getString("address"),
        rs.getString("action"),
        rs.getString("target_type"),
        rs.getString("target_id"),
        rs.getString("details"),
        rs.getString("request_id"));
  }
}
