package dev.errand.server.store.jdbc;

import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookDeliveryRecord.DeliveryRun;
import dev.errand.server.store.WebhookDeliveryRecord.Status;
import dev.errand.server.store.WebhookStore.DeliveryFilter;
import dev.errand.server.store.WebhookStore.Ingested;
import dev.errand.server.store.WebhookStore.NewDelivery;
import dev.errand.server.store.WebhookStore.RoutedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Logging webhook deliveries and turning accepted ones into runs, in one transaction each.
 *
 * <p>Deduplication: a delivery with a key first claims it in {@code webhook_dedup}. On PostgreSQL
 * that is one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expired}: of concurrent deliveries
 * with one key, the first to insert wins and the others wait for its transaction, then find its row
 * (or, if it rolled back, claim the key themselves). The embedded store has one node and serializes
 * ingestion in the JVM instead.
 */
final class WebhookDeliveries {

  private static final String COLUMNS =
      "id, environment_id, endpoint_id, status, received_at, delivery_key, duplicate_of,"
          + " replay_of, verified, reason, headers, content_type";

  private static final String INSERT =
      "INSERT INTO webhook_deliveries (id, environment_id, endpoint_id, status, received_at,"
          + " delivery_key, duplicate_of, replay_of, verified, reason, headers, content_type, body)"
          + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String INSERT_RUN =
      "INSERT INTO webhook_delivery_runs (delivery_id, route, run_id, task_id) VALUES (?, ?, ?, ?)";

  private static final String RUNS =
      "SELECT route, run_id, task_id FROM webhook_delivery_runs WHERE delivery_id = ?"
          + " ORDER BY route";

  private static final String KEY_OWNER =
      "SELECT delivery_id, expires_at > CURRENT_TIMESTAMP AS live FROM webhook_dedup"
          + " WHERE endpoint_id = ? AND delivery_key = ?";

  private final Database database;
  private final RunInsertion insertion;
  private final boolean postgres;
  private final String claimKey;
  private final String insertKey;
  private final String renewKey;
  private final ReentrantLock embeddedTurn = new ReentrantLock();

  WebhookDeliveries(Database database, Dialect dialect, RunInsertion insertion) {
    this.database = database;
    this.insertion = insertion;
    this.postgres = dialect instanceof PostgresDialect;
    String expires = dialect.plusMillis("CURRENT_TIMESTAMP");
    this.claimKey =
        "INSERT INTO webhook_dedup (endpoint_id, delivery_key, delivery_id, expires_at)"
            + " VALUES (?, ?, ?, "
            + expires
            + ") ON CONFLICT (endpoint_id, delivery_key) DO UPDATE SET"
            + " delivery_id = EXCLUDED.delivery_id, expires_at = EXCLUDED.expires_at"
            + " WHERE webhook_dedup.expires_at <= CURRENT_TIMESTAMP RETURNING delivery_id";
    this.insertKey =
        "INSERT INTO webhook_dedup (endpoint_id, delivery_key, delivery_id, expires_at)"
            + " VALUES (?, ?, ?, "
            + expires
            + ")";
    this.renewKey =
        "UPDATE webhook_dedup SET delivery_id = ?, expires_at = "
            + expires
            + " WHERE endpoint_id = ? AND delivery_key = ?";
  }

  Ingested ingest(NewDelivery delivery, long dedupWindowMillis, List<RoutedRun> runs) {
    if (postgres || delivery.deliveryKey() == null) {
      return database.transaction(
          "ingest webhook delivery", c -> ingest(c, delivery, dedupWindowMillis, runs));
    }
    embeddedTurn.lock();
    try {
      return database.transaction(
          "ingest webhook delivery", c -> ingest(c, delivery, dedupWindowMillis, runs));
    } finally {
      embeddedTurn.unlock();
    }
  }

  private Ingested ingest(
      Connection connection, NewDelivery delivery, long dedupWindowMillis, List<RoutedRun> runs)
      throws SQLException {
    if (delivery.deliveryKey() != null) {
      UUID original = claimKey(connection, delivery, dedupWindowMillis);
      if (original != null) {
        insert(connection, delivery, Status.DUPLICATE, original);
        return new Ingested(original, true, runs(connection, original));
      }
    }
    insert(connection, delivery, delivery.status(), null);
    if (!runs.isEmpty()) {
      insertion.insert(connection, runs.stream().map(RoutedRun::run).toList());
      try (PreparedStatement ps = connection.prepareStatement(INSERT_RUN)) {
        for (RoutedRun r : runs) {
          ps.setObject(1, delivery.id());
          ps.setInt(2, r.route());
          ps.setObject(3, r.run().id());
          ps.setString(4, r.run().taskId());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    List<DeliveryRun> created =
        runs.stream().map(r -> new DeliveryRun(r.route(), r.run().id(), r.run().taskId())).toList();
    return new Ingested(delivery.id(), false, created);
  }

  /** Claims the delivery's key for this delivery; returns the live owner's id if another has it. */
  private UUID claimKey(Connection connection, NewDelivery delivery, long windowMillis)
      throws SQLException {
    if (postgres) {
      try (PreparedStatement ps = connection.prepareStatement(claimKey)) {
        ps.setString(1, delivery.endpointId());
        ps.setString(2, delivery.deliveryKey());
        ps.setObject(3, delivery.id());
        ps.setLong(4, windowMillis);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return null;
          }
        }
      }
      return keyOwner(connection, delivery).owner();
    }
    KeyOwner owner = keyOwner(connection, delivery);
    if (owner.owner() != null && owner.live()) {
      return owner.owner();
    }
    try (PreparedStatement ps =
        connection.prepareStatement(owner.owner() == null ? insertKey : renewKey)) {
      if (owner.owner() == null) {
        ps.setString(1, delivery.endpointId());
        ps.setString(2, delivery.deliveryKey());
        ps.setObject(3, delivery.id());
        ps.setLong(4, windowMillis);
      } else {
        ps.setObject(1, delivery.id());
        ps.setLong(2, windowMillis);
        ps.setString(3, delivery.endpointId());
        ps.setString(4, delivery.deliveryKey());
      }
      ps.executeUpdate();
    }
    return null;
  }

  private record KeyOwner(UUID owner, boolean live) {}

  private static KeyOwner keyOwner(Connection connection, NewDelivery delivery)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(KEY_OWNER)) {
      ps.setString(1, delivery.endpointId());
      ps.setString(2, delivery.deliveryKey());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new KeyOwner(RunRows.uuid(rs, "delivery_id"), rs.getBoolean("live"))
            : new KeyOwner(null, false);
      }
    }
  }

  void reject(NewDelivery delivery) {
    database.transaction(
        "log rejected webhook delivery",
        c -> {
          insert(c, delivery, Status.REJECTED, null);
          return null;
        });
  }

  private static void insert(Connection connection, NewDelivery d, Status status, UUID duplicateOf)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
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
      ps.executeUpdate();
    }
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
              List<DeliveryRun> runs = runs(connection, owner == null ? id : owner);
              return Optional.of(delivery(found, runs));
            }
          }
        });
  }

  private static List<DeliveryRun> runs(Connection connection, UUID deliveryId)
      throws SQLException {
    List<DeliveryRun> runs = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(RUNS)) {
      ps.setObject(1, deliveryId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(
              new DeliveryRun(
                  rs.getInt("route"), RunRows.uuid(rs, "run_id"), rs.getString("task_id")));
        }
      }
    }
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
