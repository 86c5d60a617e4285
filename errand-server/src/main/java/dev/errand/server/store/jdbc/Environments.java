package dev.errand.server.store.jdbc;

import dev.errand.server.store.Store.Environment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects, environments and API keys. Creation is "read, insert if missing" in one transaction;
 * when two servers start at once the loser's insert hits the unique constraint and the transaction
 * runs again, now finding the winner's row (see {@link Database#transaction}).
 */
final class Environments {

  private static final String FIND_PROJECT = "SELECT id FROM projects WHERE slug = ?";
  private static final String INSERT_PROJECT =
      "INSERT INTO projects (id, slug, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)";
  private static final String FIND_ENVIRONMENT =
      "SELECT id FROM environments WHERE project_id = ? AND slug = ?";
  private static final String INSERT_ENVIRONMENT =
      "INSERT INTO environments (id, project_id, slug, created_at)"
          + " VALUES (?, ?, ?, CURRENT_TIMESTAMP)";
  private static final String FIND_KEY = "SELECT 1 FROM api_keys WHERE key_hash = ?";
  private static final String INSERT_KEY =
      "INSERT INTO api_keys (id, environment_id, key_hash, key_prefix, created_at, name, key_type,"
          + " last_four, created_by) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, ?, 'admin', ?,"
          + " 'server start')";
  private static final String FIND_BY_KEY =
      """
      SELECT e.id, e.project_id, p.slug AS project_slug, e.slug
      FROM api_keys k
      JOIN environments e ON e.id = k.environment_id
      JOIN projects p ON p.id = e.project_id
      WHERE k.key_hash = ? AND k.revoked_at IS NULL
      """;

  private static final String FIND_BY_ID =
      """
      SELECT e.id, e.project_id, p.slug AS project_slug, e.slug
      FROM environments e
      JOIN projects p ON p.id = e.project_id
      WHERE e.id = ?
      """;

  private static final String FIND_BY_SLUGS =
      """
      SELECT e.id, e.project_id, p.slug AS project_slug, e.slug
      FROM environments e
      JOIN projects p ON p.id = e.project_id
      WHERE p.slug = ? AND e.slug = ?
      """;

  private final Database database;

  Environments(Database database) {
    this.database = database;
  }

  Environment ensure(String projectSlug, String environmentSlug) {
    return database.transaction(
        "ensure environment " + projectSlug + "/" + environmentSlug,
        connection -> {
          UUID projectId =
              findOrInsert(connection, FIND_PROJECT, INSERT_PROJECT, null, projectSlug);
          UUID environmentId =
              findOrInsert(
                  connection, FIND_ENVIRONMENT, INSERT_ENVIRONMENT, projectId, environmentSlug);
          return new Environment(environmentId, projectId, projectSlug, environmentSlug);
        });
  }

  private static UUID findOrInsert(
      Connection connection, String find, String insert, UUID parentId, String slug)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(find)) {
      int i = 1;
      if (parentId != null) {
        ps.setObject(i++, parentId);
      }
      ps.setString(i, slug);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return RunRows.uuid(rs, "id");
        }
      }
    }
    UUID id = UUID.randomUUID();
    try (PreparedStatement ps = connection.prepareStatement(insert)) {
      int i = 1;
      ps.setObject(i++, id);
      if (parentId != null) {
        ps.setObject(i++, parentId);
      }
      ps.setString(i, slug);
      ps.executeUpdate();
    }
    return id;
  }

  void ensureApiKey(UUID environmentId, String keyHash, String keyPrefix, String lastFour) {
    database.transaction(
        "ensure API key " + keyPrefix,
        connection -> {
          try (PreparedStatement find = connection.prepareStatement(FIND_KEY)) {
            find.setString(1, keyHash);
            try (ResultSet rs = find.executeQuery()) {
              if (rs.next()) {
                return null;
              }
            }
          }
          try (PreparedStatement insert = connection.prepareStatement(INSERT_KEY)) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, environmentId);
            insert.setString(3, keyHash);
            insert.setString(4, keyPrefix);
            insert.setString(5, "bootstrap-" + keyHash.substring(0, Math.min(8, keyHash.length())));
            insert.setString(6, lastFour);
            insert.executeUpdate();
          }
          return null;
        });
  }

  Optional<Environment> findByKeyHash(String keyHash) {
    return find("find environment by API key", FIND_BY_KEY, keyHash);
  }

  Optional<Environment> find(String projectSlug, String environmentSlug) {
    return database.read(
        "find environment " + projectSlug + "/" + environmentSlug,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(FIND_BY_SLUGS)) {
            ps.setString(1, projectSlug);
            ps.setString(2, environmentSlug);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(environment(rs)) : Optional.<Environment>empty();
            }
          }
        });
  }

  static Environment environment(ResultSet rs) throws SQLException {
    return new Environment(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "project_id"),
        rs.getString("project_slug"),
        rs.getString("slug"));
  }

  Optional<Environment> findById(UUID id) {
    return find("find environment", FIND_BY_ID, id);
  }

  private Optional<Environment> find(String operation, String sql, Object parameter) {
    return database.read(
        operation,
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(environment(rs));
            }
          }
        });
  }

  Integer concurrencyLimit(UUID environmentId) {
    return database.read(
        "read environment concurrency limit",
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT concurrency_limit FROM environments WHERE id = ?")) {
            ps.setObject(1, environmentId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return null;
              }
              int limit = rs.getInt(1);
              return rs.wasNull() ? null : limit;
            }
          }
        });
  }

  void setConcurrencyLimit(UUID environmentId, Integer limit) {
    database.transaction(
        "set environment concurrency limit",
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE environments SET concurrency_limit = ? WHERE id = ?")) {
            ps.setObject(1, limit, java.sql.Types.INTEGER);
            ps.setObject(2, environmentId);
            if (ps.executeUpdate() > 0) {
              PendingAudit.write(connection);
            }
          }
          return null;
        });
  }
}
