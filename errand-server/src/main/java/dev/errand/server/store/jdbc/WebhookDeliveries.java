package dev.errand.server.store.jdbc;

import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookDeliveryRecord.DeliveryRun;
import dev.errand.server.store.WebhookDeliveryRecord.Status;
import dev.errand.server.store.WebhookStore.DeliveryFilter;
import dev.errand.server.store.WebhookStore.NewDelivery;
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

/** The webhook delivery log: logging a refused delivery, listing and reading deliveries. */
final class WebhookDeliveries {

  private static final String COLUMNS =
      "id, environment_id, endpoint_id, status, received_at, delivery_key, duplicate_of,"
          + " replay_of, verified, reason, headers, content_type";

  static final String INSERT =
      "INSERT INTO webhook_deliveries (id, environment_id, endpoint_id, status, received_at,"
          + " delivery_key, duplicate_of, replay_of, verified, reason, headers, content_type, body)"
          + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String RUNS =
      "SELECT delivery_id, route, run_id, task_id FROM webhook_delivery_runs"
          + " WHERE delivery_id = ANY(?) ORDER BY delivery_id, route";

  private final Database database;

  WebhookDeliveries(Database database) {
    this.database = database;
  }

  void reject(NewDelivery delivery) {
    database.transaction(
        "log rejected webhook delivery",
        c -> {
          insert(c, delivery, Status.REJECTED, null);
          return null;
        });
  }

  static void insert(Connection connection, NewDelivery d, Status status, UUID duplicateOf)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
      bindDelivery(ps, d, status, duplicateOf);
      ps.executeUpdate();
    }
  }

  static void bindDelivery(PreparedStatement ps, NewDelivery d, Status status, UUID duplicateOf)
      throws SQLException {
    ps.setObject(1, d.id());
    ps.setObject(2, d.environmentId());
    ps.setString(3, d.endpointId());
    ps.setString(4, status.wire());
    ps.setString(5, d.deliveryKey());
    ps.setObject(6, duplicateOf);
    ps.setObject(7, d.replayOf());
    ps.setBoolean(8, d.verified() && status != Status.REJECTED);
    ps.setString(9, d.reason());
    ps.setString(10, d.headersJson());
    ps.setString(11, d.contentType());
    ps.setBytes(12, d.body());
  }

  List<WebhookDeliveryRecord> list(UUID environmentId, DeliveryFilter filter, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + " FROM webhook_deliveries WHERE environment_id = ?");
    List<Object> parameters = new ArrayList<>(List.of(environmentId));
    if (filter.endpointId() != null) {
      sql.append(" AND endpoint_id = ?");
      parameters.add(filter.endpointId());
    }
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      parameters.add(filter.status().wire());
    }
    if (filter.from() != null) {
      sql.append(" AND received_at >= ?");
      parameters.add(filter.from().atOffset(java.time.ZoneOffset.UTC));
    }
    if (filter.to() != null) {
      sql.append(" AND received_at < ?");
      parameters.add(filter.to().atOffset(java.time.ZoneOffset.UTC));
    }
    if (filter.beforeId() != null) {
      sql.append(" AND id < ?");
      parameters.add(filter.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(limit);
    return database.read(
        "list webhook deliveries",
        connection -> {
          List<WebhookDeliveryRecord> deliveries = new ArrayList<>();
          try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
              ps.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                deliveries.add(delivery(rs, null, List.of()));
              }
            }
          }
          return deliveries;
        });
  }

  Optional<WebhookDeliveryRecord> find(UUID environmentId, UUID id) {
    return database.read(
        "find webhook delivery",
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + ", body FROM webhook_deliveries WHERE environment_id = ? AND id = ?")) {
            ps.setObject(1, environmentId);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<WebhookDeliveryRecord>empty();
              }
              UUID owner = RunRows.uuid(rs, "duplicate_of");
              byte[] body = rs.getBytes("body");
              WebhookDeliveryRecord found = delivery(rs, body, List.of());
              UUID creator = owner == null ? id : owner;
              List<DeliveryRun> runs = runsOf(connection, List.of(creator)).get(creator);
              return Optional.of(delivery(found, runs));
            }
          }
        });
  }

  /** The runs each of these deliveries created, by route. */
  static Map<UUID, List<DeliveryRun>> runsOf(
      Connection connection, java.util.Collection<UUID> deliveryIds) throws SQLException {
    Map<UUID, List<DeliveryRun>> runs = new HashMap<>();
    if (deliveryIds.isEmpty()) {
      return runs;
    }
    try (PreparedStatement ps = connection.prepareStatement(RUNS)) {
      ps.setArray(1, connection.createArrayOf("uuid", deliveryIds.toArray(new UUID[0])));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.computeIfAbsent(RunRows.uuid(rs, "delivery_id"), k -> new ArrayList<>())
              .add(
                  new DeliveryRun(
                      rs.getInt("route"), RunRows.uuid(rs, "run_id"), rs.getString("task_id")));
        }
      }
    }
    deliveryIds.forEach(id -> runs.putIfAbsent(id, List.of()));
    return runs;
  }

  private static WebhookDeliveryRecord delivery(WebhookDeliveryRecord d, List<DeliveryRun> runs) {
    return new WebhookDeliveryRecord(
        d.id(),
        d.environmentId(),
        d.endpointId(),
        d.status(),
        d.receivedAt(),
        d.deliveryKey(),
        d.duplicateOf(),
        d.replayOf(),
        d.verified(),
        d.reason(),
        d.headersJson(),
        d.contentType(),
        d.body(),
        runs);
  }

  private static WebhookDeliveryRecord delivery(ResultSet rs, byte[] body, List<DeliveryRun> runs)
      throws SQLException {
    return new WebhookDeliveryRecord(
        RunRows.uuid(rs, "id"),
        RunRows.uuid(rs, "environment_id"),
        rs.getString("endpoint_id"),
        Status.fromWire(rs.getString("status")),
        RunRows.instant(rs, "received_at"),
        rs.getString("delivery_key"),
        RunRows.uuid(rs, "duplicate_of"),
        RunRows.uuid(rs, "replay_of"),
        rs.getBoolean("verified"),
        rs.getString("reason"),
        rs.getString("headers"),
        rs.getString("content_type"),
        body,
        runs);
  }
}
