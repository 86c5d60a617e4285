package dev.errand.server.store.jdbc;

import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.store.WebhookEndpointRecord.Secret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/** Webhook endpoints and their secrets. */
final class WebhookEndpoints {

  /** The version of an endpoint's first secret. */
  private static final int FIRST_VERSION = 1;

  private static final String COLUMNS =
      "id, environment_id, name, verifier, routes, delivery_id_source, dedup_window_ms,"
          + " max_body_bytes, rate_limit, rate_window_ms, enabled, created_at, updated_at";

  private static final String INSERT =
      "INSERT INTO webhook_endpoints ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";

  private static final String NAME_TAKEN =
      "SELECT 1 FROM webhook_endpoints WHERE environment_id = ? AND name = ? AND id <> ?";

  private static final String UPDATE =
      "UPDATE webhook_endpoints SET name = ?, verifier = ?, routes = ?, delivery_id_source = ?,"
          + " dedup_window_ms = ?, max_body_bytes = ?, rate_limit = ?, rate_window_ms = ?,"
          + " enabled = ?, updated_at = CURRENT_TIMESTAMP WHERE environment_id = ? AND id = ?";

  private static final String INSERT_SECRET =
      "INSERT INTO webhook_secrets (endpoint_id, version, secret, created_at, expires_at)"
          + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, NULL)";

  private static final String SECRETS =
      "SELECT endpoint_id, version, secret, created_at, expires_at FROM webhook_secrets"
          + " WHERE endpoint_id = ANY(?) ORDER BY version DESC";

  private final Database database;
  private final String retireSecrets;
  private final String dropExpiredSecrets;

  WebhookEndpoints(Database database, Dialect dialect) {
    this.database = database;
    String graceEnd = dialect.plusMillis("CURRENT_TIMESTAMP");
    // an old secret keeps the earlier of its own expiry and the new grace period's end
    this.retireSecrets =
        "UPDATE webhook_secrets SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > "
            + graceEnd
            + " THEN "
            + graceEnd
            + " ELSE expires_at END WHERE endpoint_id = ?";
    this.dropExpiredSecrets =
        "DELETE FROM webhook_secrets WHERE endpoint_id = ? AND expires_at <= CURRENT_TIMESTAMP";
  }

  Optional<WebhookEndpointRecord> create(WebhookEndpointRecord e, String secret) {
    return database.transaction(
        "create webhook endpoint " + e.name(),
        connection -> {
          if (nameTaken(connection, e.environmentId(), e.name(), e.id())) {
            return Optional.<WebhookEndpointRecord>empty();
          }
          try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, e.id());
            ps.setObject(2, e.environmentId());
            ps.setString(3, e.name());
            bindSettings(ps, 4, e);
            ps.executeUpdate();
          }
          insertSecret(connection, e.id(), FIRST_VERSION, secret);
          PendingAudit.write(connection, e.id());
          return find(connection, "id = ?", e.id()).stream().findFirst();
        });
  }

  Optional<WebhookEndpointRecord> find(String id) {
    return database.read("find webhook endpoint", c -> find(c, "id = ?", id).stream().findFirst());
  }

  List<WebhookEndpointRecord> list(UUID environmentId) {
    return database.read(
        "list webhook endpoints", c -> find(c, "environment_id = ? ORDER BY name", environmentId));
  }

  Optional<WebhookEndpointRecord> update(WebhookEndpointRecord e) {
    return database.transaction(
        "update webhook endpoint " + e.id(),
        connection -> {
          if (nameTaken(connection, e.environmentId(), e.name(), e.id())) {
            throw new IllegalStateException("an endpoint named '" + e.name() + "' exists");
          }
          try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            ps.setString(1, e.name());
            bindSettings(ps, 2, e);
            ps.setObject(10, e.environmentId());
            ps.setString(11, e.id());
            if (ps.executeUpdate() == 0) {
              return Optional.<WebhookEndpointRecord>empty();
            }
          }
          PendingAudit.write(connection);
          return find(connection, "id = ?", e.id()).stream().findFirst();
        });
  }

  Optional<WebhookEndpointRecord> rotateSecret(
      UUID environmentId, String id, IntFunction<String> sealer, long graceMillis) {
    return database.transaction(
        "rotate the secret of webhook endpoint " + id,
        connection -> {
          Optional<WebhookEndpointRecord> endpoint =
              find(connection, "environment_id = ? AND id = ? FOR UPDATE", environmentId, id)
                  .stream()
                  .findFirst();
          if (endpoint.isEmpty()) {
            return endpoint;
          }
          try (PreparedStatement ps = connection.prepareStatement(retireSecrets)) {
            ps.setLong(1, graceMillis);
            ps.setLong(2, graceMillis);
            ps.setString(3, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = connection.prepareStatement(dropExpiredSecrets)) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          int version =
              endpoint.get().secrets().stream().mapToInt(Secret::version).max().orElse(0) + 1;
          insertSecret(connection, id, version, sealer.apply(version));
          PendingAudit.write(connection);
          return find(connection, "id = ?", id).stream().findFirst();
        });
  }

  boolean delete(UUID environmentId, String id) {
    return database.transaction(
        "delete webhook endpoint " + id,
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "DELETE FROM webhook_endpoints WHERE environment_id = ? AND id = ?")) {
            ps.setObject(1, environmentId);
            ps.setString(2, id);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          PendingAudit.write(connection);
          return true;
        });
  }

  private static boolean nameTaken(
      Connection connection, UUID environmentId, String name, String id) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(NAME_TAKEN)) {
      ps.setObject(1, environmentId);
      ps.setString(2, name);
      ps.setString(3, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Binds verifier .. enabled (8 parameters) from {@code first}. */
  private static void bindSettings(PreparedStatement ps, int first, WebhookEndpointRecord e)
      throws SQLException {
    ps.setString(first, e.verifierJson());
    ps.setString(first + 1, e.routesJson());
    ps.setString(first + 2, e.deliveryIdSourceJson());
    ps.setLong(first + 3, e.dedupWindowMillis());
    ps.setInt(first + 4, e.maxBodyBytes());
    ps.setObject(first + 5, e.rateLimit());
    ps.setObject(first + 6, e.rateWindowMillis());
    ps.setBoolean(first + 7, e.enabled());
  }

  private static void insertSecret(Connection connection, String id, int version, String secret)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(INSERT_SECRET)) {
      ps.setString(1, id);
      ps.setInt(2, version);
      ps.setString(3, secret);
      ps.executeUpdate();
    }
  }

  private static List<WebhookEndpointRecord> find(
      Connection connection, String where, Object... parameters) throws SQLException {
    List<WebhookEndpointRecord> endpoints = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE " + where)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          endpoints.add(endpoint(rs));
        }
      }
    }
    if (endpoints.isEmpty()) {
      return endpoints;
    }
    Map<String, List<Secret>> secrets = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(SECRETS)) {
      ps.setArray(1, RunRows.textArray(connection, endpoints.stream().map(e -> e.id()).toList()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          secrets
              .computeIfAbsent(rs.getString("endpoint_id"), k -> new ArrayList<>())
              .add(
                  new Secret(
                      rs.getInt("version"),
                      rs.getString("secret"),
                      RunRows.instant(rs, "created_at"),
                      RunRows.instant(rs, "expires_at")));
        }
      }
    }
    return endpoints.stream()
        .map(e -> e.withSecrets(secrets.getOrDefault(e.id(), List.of())))
        .toList();
  }

  private static WebhookEndpointRecord endpoint(ResultSet rs) throws SQLException {
    return new WebhookEndpointRecord(
        rs.getString("id"),
        RunRows.uuid(rs, "environment_id"),
        rs.getString("name"),
        rs.getString("verifier"),
        rs.getString("routes"),
        rs.getString("delivery_id_source"),
        rs.getLong("dedup_window_ms"),
        rs.getInt("max_body_bytes"),
        (Integer) rs.getObject("rate_limit", Integer.class),
        (Long) rs.getObject("rate_window_ms", Long.class),
        rs.getBoolean("enabled"),
        RunRows.instant(rs, "created_at"),
        RunRows.instant(rs, "updated_at"),
        List.of());
  }
}
