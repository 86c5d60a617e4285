package dev.errand.server.store.jdbc;

import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store.TokenInsert;
import dev.errand.server.store.Store.WaitingStep;
import dev.errand.server.store.TokenNotFoundException;
import dev.errand.server.store.TokenRecord;
import dev.errand.server.store.TokenStateConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Waitpoint tokens: created (idempotently), listed, completed once, or timed out. */
final class Tokens {

  static final String COLUMNS =
      "id, environment_id, status, idempotency_key, tags, output, timeout_at, created_at,"
          + " completed_at";

  private static final String FIND =
      "SELECT " + COLUMNS + " FROM waitpoint_tokens WHERE environment_id = ? AND id = ?";
  private static final String FIND_BY_KEY =
      "SELECT "
          + COLUMNS
          + " FROM waitpoint_tokens WHERE environment_id = ? AND idempotency_key = ?";
  private static final String COMPLETE =
      "UPDATE waitpoint_tokens SET status = 'COMPLETED', output = ?,"
          + " completed_at = CURRENT_TIMESTAMP WHERE id = ? AND environment_id = ?"
          + " AND status = 'WAITING' AND (timeout_at IS NULL OR timeout_at > CURRENT_TIMESTAMP)";
  private static final String TIME_OUT_DUE =
      "UPDATE waitpoint_tokens SET status = 'TIMED_OUT', completed_at = CURRENT_TIMESTAMP"
          + " WHERE id IN (SELECT id FROM waitpoint_tokens WHERE status = 'WAITING'"
          + " AND timeout_at <= CURRENT_TIMESTAMP ORDER BY timeout_at LIMIT ?)";
  private static final String TIME_OUT =
      "UPDATE waitpoint_tokens SET status = 'TIMED_OUT', completed_at = CURRENT_TIMESTAMP"
          + " WHERE id = ? AND status = 'WAITING' AND timeout_at <= CURRENT_TIMESTAMP";
  private static final String FIND_ANY =
      "SELECT " + COLUMNS + " FROM waitpoint_tokens WHERE id = ?";
  private static final String WAITS_ON =
      "SELECT r.environment_id, r.task_id, s.run_id, s.position, s.kind, s.token_id"
          + " FROM run_steps s JOIN runs r ON r.id = s.run_id"
          + " WHERE s.token_id = ? AND s.status = 'WAITING' AND s.kind = 'TOKEN'";

  private final Database database;
  private final Dialect dialect;

  Tokens(Database database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
  }

  TokenInsert create(
      UUID environmentId,
      UUID tokenId,
      String idempotencyKey,
      List<String> tags,
      Long timeoutMillis) {
    Objects.requireNonNull(environmentId, "environmentId");
    Objects.requireNonNull(tokenId, "tokenId");
    String insert =
        "INSERT INTO waitpoint_tokens (id, environment_id, status, idempotency_key, tags,"
            + " timeout_at, created_at) VALUES (?, ?, 'WAITING', ?, ?, "
            + (timeoutMillis == null ? "NULL" : dialect.plusMillis("CURRENT_TIMESTAMP"))
            + ", CURRENT_TIMESTAMP)";
    return database.transaction(
        "create token",
        connection -> {
          if (idempotencyKey != null) {
            TokenRecord existing = findByKey(connection, environmentId, idempotencyKey);
            if (existing != null) {
              return new TokenInsert(existing, false);
            }
          }
          try (PreparedStatement ps = connection.prepareStatement(insert)) {
            ps.setObject(1, tokenId);
            ps.setObject(2, environmentId);
            ps.setString(3, idempotencyKey);
            ps.setArray(4, RunRows.textArray(connection, tags == null ? List.of() : tags));
            if (timeoutMillis != null) {
              ps.setLong(5, timeoutMillis);
            }
            ps.executeUpdate();
          }
          return new TokenInsert(find(connection, environmentId, tokenId), true);
        });
  }

  Optional<TokenRecord> find(UUID environmentId, UUID tokenId) {
    return database.read(
        "find token", connection -> Optional.ofNullable(find(connection, environmentId, tokenId)));
  }

  List<TokenRecord> list(
      UUID environmentId, TokenRecord.Status status, String tag, UUID beforeId, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM waitpoint_tokens WHERE environment_id = ?");
    if (status != null) {
      sql.append(" AND status = ?");
    }
    if (tag != null) {
      sql.append(" AND ").append(dialect.tagsContain());
    }
    if (beforeId != null) {
      sql.append(" AND id < ?");
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    return database.read(
        "list tokens",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setObject(i++, environmentId);
            if (status != null) {
              ps.setString(i++, status.name());
            }
            if (tag != null) {
              ps.setString(i++, tag);
            }
            if (beforeId != null) {
              ps.setObject(i++, beforeId);
            }
            ps.setInt(i, limit);
            List<TokenRecord> tokens = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                tokens.add(token(rs));
              }
            }
            return tokens;
          }
        });
  }

  List<WaitingStep> complete(
      UUID environmentId,
      UUID tokenId,
      String outputJson,
      Function<TokenRecord, String> stepOutputJson,
      RunInsertion insertion) {
    return database.transaction(
        "complete token",
        connection -> {
          int updated;
          try (PreparedStatement ps = connection.prepareStatement(COMPLETE)) {
            ps.setString(1, outputJson);
            ps.setObject(2, tokenId);
            ps.setObject(3, environmentId);
            updated = ps.executeUpdate();
          }
          TokenRecord token = find(connection, environmentId, tokenId);
          if (token != null && updated == 0) {
            try (PreparedStatement ps = connection.prepareStatement(TIME_OUT)) {
              ps.setObject(1, tokenId); // one past its timeout times out instead
              ps.executeUpdate();
            }
            token = find(connection, environmentId, tokenId);
          }
          if (token == null) {
            throw new TokenNotFoundException(tokenId);
          }
          if (updated == 0) {
            connection.commit(); // keep the time-out, then refuse
            throw new TokenStateConflictException(token);
          }
          PendingAudit.write(connection);
          List<WaitingStep> resumed = new ArrayList<>();
          String stepOutput = stepOutputJson.apply(token);
          for (WaitingStep wait : waitsOn(connection, tokenId)) {
            if (Steps.resolve(connection, wait.runId(), wait.position(), stepOutput)) {
              resumed.add(wait);
            }
          }
          if (!resumed.isEmpty()) {
            insertion.announce(connection, environmentId);
          }
          return resumed;
        });
  }

  /** Times out up to {@code limit} tokens whose timeout passed; returns how many. */
  int timeOutDue(int limit) {
    return database.transaction(
        "time out due tokens",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(TIME_OUT_DUE)) {
            ps.setInt(1, limit);
            return ps.executeUpdate();
          }
        });
  }

  Optional<TokenRecord> timeOut(UUID tokenId) {
    return database.transaction(
        "time out token",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(TIME_OUT)) {
            ps.setObject(1, tokenId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = connection.prepareStatement(FIND_ANY)) {
            ps.setObject(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
          }
        });
  }

  private static List<WaitingStep> waitsOn(Connection connection, UUID tokenId)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(WAITS_ON)) {
      ps.setObject(1, tokenId);
      List<WaitingStep> waits = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          waits.add(
              new WaitingStep(
                  RunRows.uuid(rs, "environment_id"),
                  rs.getString("task_id"),
                  RunRows.uuid(rs, "run_id"),
                  rs.getInt("position"),
                  StepRecord.Kind.TOKEN,
                  tokenId));
        }
      }
      return waits;
    }
  }

  private static TokenRecord find(Connection connection, UUID environmentId, UUID tokenId)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(FIND)) {
      ps.setObject(1, environmentId);
      ps.setObject(2, tokenId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? token(rs) : null;
      }
    }
  }

  private static TokenRecord findByKey(Connection connection, UUID environmentId, String key)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(FIND_BY_KEY)) {
      ps.setObject(1, environmentId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? token(rs) : null;
      }
    }
  }

  static TokenRecord token(ResultSet rs) throws SQLException {
    return new TokenRecord(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "environment_id"),
        TokenRecord.Status.valueOf(rs.getString("status")),
        rs.getString("idempotency_key"),
        RunRows.tags(rs, "tags"),
        rs.getString("output"),
        RunRows.instant(rs, "timeout_at"),
        RunRows.instant(rs, "created_at"),
        RunRows.instant(rs, "completed_at"));
  }

  /** A server-wide setting, storing {@code initial} first when there is none. */
  static String setting(
      Database database, String name, java.util.function.Supplier<String> initial) {
    return database.transaction(
        "read setting " + name,
        connection -> {
          String select = "SELECT setting_value FROM server_settings WHERE name = ?";
          try (PreparedStatement ps = connection.prepareStatement(select)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                return rs.getString(1);
              }
            }
          }
          String value = initial.get();
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "INSERT INTO server_settings (name, setting_value) VALUES (?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
          }
          return value;
        });
  }
}
