package dev.errand.server.store.jdbc;

import dev.errand.server.store.AccessStore.ApiKeyRecord;
import dev.errand.server.store.AccessStore.KeyMatch;
import dev.errand.server.store.AccessStore.NewApiKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code api_keys} table: keys by hash, name and id. Only hashes are stored. */
final class ApiKeyTable {
  private static final String COLUMNS =
      "k.id, k.environment_id, k.name, k.key_type, k.key_prefix, k.last_four, k.created_at,"
          + " k.last_used_at, k.expires_at, k.revoked_at, k.created_by";
  private static final String INSERT =
      "INSERT INTO api_keys (id, environment_id, key_hash, key_prefix, created_at, name, key_type,"
          + " last_four, expires_at, created_by) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?)";
  private static final String FIND_LIVE =
      "SELECT "
          + COLUMNS
          + " FROM api_keys k"
          + " WHERE k.environment_id = ? AND k.name = ? AND k.revoked_at IS NULL";
  private static final String FIND_BY_HASH =
      "SELECT "
          + COLUMNS
          + ", e.project_id, p.slug AS project_slug, e.slug"
          + " FROM api_keys k JOIN environments e ON e.id = k.environment_id"
          + " JOIN projects p ON p.id = e.project_id"
          + " WHERE k.key_hash = ? AND k.revoked_at IS NULL";

  private final Database database;

  ApiKeyTable(Database database) {
    this.database = database;
  }

  Optional<ApiKeyRecord> create(NewApiKey key) {
    UUID id = UUID.randomUUID();
    boolean created =
        database.transaction(
            "create API key " + key.name(),
            connection -> {
              try (PreparedStatement find = connection.prepareStatement(FIND_LIVE)) {
                find.setObject(1, key.environmentId());
                find.setString(2, key.name());
                try (ResultSet rs = find.executeQuery()) {
                  if (rs.next()) {
                    return false;
                  }
                }
              }
              try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setObject(1, id);
                insert.setObject(2, key.environmentId());
                insert.setString(3, key.keyHash());
                insert.setString(4, key.keyPrefix());
                insert.setString(5, key.name());
                insert.setString(6, key.type());
                insert.setString(7, key.lastFour());
                RunRows.setInstant(insert, 8, key.expiresAt());
                insert.setString(9, key.createdBy());
                insert.executeUpdate();
              }
              return true;
            });
    return created ? find(key.environmentId(), id) : Optional.empty();
  }

  List<ApiKeyRecord> list(UUID environmentId) {
    return query(
        "list API keys",
        "SELECT "
            + COLUMNS
            + " FROM api_keys k WHERE k.environment_id = ?"
            + " ORDER BY k.created_at DESC, k.id",
        environmentId,
        null);
  }

  Optional<ApiKeyRecord> find(UUID environmentId, UUID keyId) {
    return query(
            "find API key",
            "SELECT " + COLUMNS + " FROM api_keys k WHERE k.environment_id = ? AND k.id = ?",
            environmentId,
            keyId)
        .stream()
        .findFirst();
  }

  Optional<ApiKeyRecord> findLive(UUID environmentId, String name) {
    return query("find API key by name", FIND_LIVE, environmentId, name).stream().findFirst();
  }

  private List<ApiKeyRecord> query(
      String operation, String sql, UUID environmentId, Object second) {
    return database.read(
        operation,
        connection -> {
          List<ApiKeyRecord> out = new ArrayList<>();
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setObject(1, environmentId);
            if (second != null) {
              ps.setObject(2, second);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(key(rs));
              }
            }
          }
          return out;
        });
  }

  Optional<ApiKeyRecord> revoke(UUID environmentId, UUID keyId) {
    database.statement(
        "revoke API key",
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP"
                      + " WHERE environment_id = ? AND id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, environmentId);
            ps.setObject(2, keyId);
            return ps.executeUpdate();
          }
        });
    return find(environmentId, keyId);
  }

  Optional<KeyMatch> findByHash(String keyHash) {
    return database.read(
        "find API key by hash",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_BY_HASH)) {
            ps.setString(1, keyHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<KeyMatch>empty();
              }
              ApiKeyRecord key = key(rs);
              return Optional.of(
                  new KeyMatch(
                      key,
                      new dev.errand.server.store.Store.Environment(
                          key.environmentId(),
                          RunRows.uuid(rs, "project_id"),
                          rs.getString("project_slug"),
                          rs.getString("slug"))));
            }
          }
        });
  }

  void touch(UUID keyId) {
    database.statement(
        "record API key use",
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE api_keys SET last_used_at = CURRENT_TIMESTAMP WHERE id = ?")) {
            ps.setObject(1, keyId);
            return ps.executeUpdate();
          }
        });
  }

  private static ApiKeyRecord key(ResultSet rs) throws SQLException {
    return new ApiKeyRecord(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "environment_id"),
        rs.getString("name"),
        rs.getString("key_type"),
        rs.getString("key_prefix"),
        rs.getString("last_four"),
        RunRows.instant(rs, "created_at"),
        RunRows.instant(rs, "last_used_at"),
        RunRows.instant(rs, "expires_at"),
        RunRows.instant(rs, "revoked_at"),
        rs.getString("created_by"));
  }
}
