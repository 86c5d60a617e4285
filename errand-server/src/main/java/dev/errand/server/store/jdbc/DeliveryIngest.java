package dev.errand.server.store.jdbc;

import dev.errand.server.store.NewRun;
import dev.errand.server.store.WebhookDeliveryRecord.DeliveryRun;
import dev.errand.server.store.WebhookDeliveryRecord.Status;
import dev.errand.server.store.WebhookStore.Ingest;
import dev.errand.server.store.WebhookStore.Ingested;
import dev.errand.server.store.WebhookStore.NewDelivery;
import dev.errand.server.store.WebhookStore.RoutedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Storing webhook deliveries with their runs, several in one transaction (group commit).
 *
 * <p>Deduplication: a delivery with a key first claims it in {@code webhook_dedup}. On PostgreSQL
 * one {@code INSERT ... SELECT unnest(...) ON CONFLICT DO UPDATE ... WHERE expired} claims a
 * batch's keys in key order: of concurrent deliveries with one key, the first to insert wins and
 * the others wait for its transaction, then find its row (or, if it rolled back, claim the key
 * themselves); within a batch, a later delivery with an earlier one's key is its duplicate. The
 * embedded store has one node and serializes ingestion in the JVM instead, one delivery after the
 * other.
 */
final class DeliveryIngest {

  private static final String INSERT_RUN =
      "INSERT INTO webhook_delivery_runs (delivery_id, route, run_id, task_id) VALUES (?, ?, ?, ?)";

  /** PostgreSQL: a batch's keys, each for its first delivery, in key order. */
  private static final String CLAIM_KEYS =
      """
      INSERT INTO webhook_dedup (endpoint_id, delivery_key, delivery_id, expires_at)
      SELECT e, k, d, CURRENT_TIMESTAMP + w * INTERVAL '1 millisecond'
      FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS uuid[]), CAST(? AS bigint[]))
        AS t(e, k, d, w)
      ORDER BY e, k
      ON CONFLICT (endpoint_id, delivery_key) DO UPDATE SET
        delivery_id = EXCLUDED.delivery_id, expires_at = EXCLUDED.expires_at
      WHERE webhook_dedup.expires_at <= CURRENT_TIMESTAMP
      RETURNING endpoint_id, delivery_key""";

  private static final String KEY_OWNERS =
      "SELECT endpoint_id, delivery_key, delivery_id FROM webhook_dedup"
          + " WHERE (endpoint_id, delivery_key) IN"
          + " (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])))";

  private static final String KEY_OWNER =
      "SELECT delivery_id, expires_at > CURRENT_TIMESTAMP AS live FROM webhook_dedup"
          + " WHERE endpoint_id = ? AND delivery_key = ?";

  private final Database database;
  private final RunInsertion insertion;
  private final boolean postgres;
  private final String insertKey;
  private final String renewKey;
  private final ReentrantLock embeddedTurn = new ReentrantLock();

  DeliveryIngest(Database database, Dialect dialect, RunInsertion insertion) {
    this.database = database;
    this.insertion = insertion;
    this.postgres = dialect instanceof PostgresDialect;
    String expires = dialect.plusMillis("CURRENT_TIMESTAMP");
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

  List<Ingested> ingestAll(List<Ingest> batch) {
    if (postgres) {
      return database.transaction("ingest webhook deliveries", c -> ingestAll(c, batch));
    }
    embeddedTurn.lock();
    try {
      return database.transaction(
          "ingest webhook deliveries",
          c -> {
            List<Ingested> results = new ArrayList<>(batch.size());
            for (Ingest item : batch) {
              results.add(ingestOne(c, item));
            }
            return results;
          });
    } finally {
      embeddedTurn.unlock();
    }
  }

  /** A delivery key of an endpoint. */
  private record Key(String endpointId, String deliveryKey) implements Comparable<Key> {
    static Key of(NewDelivery d) {
      return d.deliveryKey() == null ? null : new Key(d.endpointId(), d.deliveryKey());
    }

    @Override
    public int compareTo(Key o) {
      int byEndpoint = endpointId.compareTo(o.endpointId);
      return byEndpoint != 0 ? byEndpoint : deliveryKey.compareTo(o.deliveryKey);
    }
  }

  /**
   * PostgreSQL: the batch's keys claimed in one statement (in key order, so concurrent batches lock
   * alike), then every delivery, run and delivery-run row inserted in batches.
   */
  private List<Ingested> ingestAll(Connection connection, List<Ingest> batch) throws SQLException {
    Map<Key, Integer> first = new TreeMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Key key = Key.of(batch.get(i).delivery());
      if (key != null) {
        first.putIfAbsent(key, i);
      }
    }
    Map<Key, UUID> owners = claimKeys(connection, first, batch);
    UUID[] ownerOf = new UUID[batch.size()]; // null: fresh
    for (int i = 0; i < batch.size(); i++) {
      Key key = Key.of(batch.get(i).delivery());
      if (key == null) {
        continue;
      }
      int firstIndex = first.get(key);
      UUID owner = owners.get(key);
      if (firstIndex != i) {
        ownerOf[i] = owner != null ? owner : batch.get(firstIndex).delivery().id();
      } else {
        ownerOf[i] = owner;
      }
    }
    List<NewRun> runs = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(WebhookDeliveries.INSERT)) {
      for (int i = 0; i < batch.size(); i++) {
        NewDelivery d = batch.get(i).delivery();
        WebhookDeliveries.bindDelivery(
            ps, d, ownerOf[i] == null ? d.status() : Status.DUPLICATE, ownerOf[i]);
        ps.addBatch();
        if (ownerOf[i] == null) {
          batch.get(i).runs().forEach(r -> runs.add(r.run()));
        }
      }
      ps.executeBatch();
    }
    if (!runs.isEmpty()) {
      insertion.insert(connection, runs);
      try (PreparedStatement ps = connection.prepareStatement(INSERT_RUN)) {
        for (int i = 0; i < batch.size(); i++) {
          if (ownerOf[i] == null) {
            for (RoutedRun r : batch.get(i).runs()) {
              bindDeliveryRun(ps, batch.get(i).delivery().id(), r);
              ps.addBatch();
            }
          }
        }
        ps.executeBatch();
      }
    }
    Map<UUID, List<DeliveryRun>> earlier = WebhookDeliveries.runsOf(connection, owners.values());
    List<Ingested> results = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (ownerOf[i] == null) {
        results.add(new Ingested(batch.get(i).delivery().id(), false, created(batch.get(i))));
      } else {
        UUID owner = ownerOf[i];
        List<DeliveryRun> ownerRuns = earlier.get(owner);
        if (ownerRuns == null) { // the original is earlier in this batch
          ownerRuns = created(batch.get(first.get(Key.of(batch.get(i).delivery()))));
        }
        results.add(new Ingested(owner, true, ownerRuns));
      }
    }
    return results;
  }

  /**
   * Claims the keys for their first delivery in the batch; returns the owners of the keys that
   * another delivery holds within its window.
   */
  private Map<Key, UUID> claimKeys(
      Connection connection, Map<Key, Integer> first, List<Ingest> batch) throws SQLException {
    if (first.isEmpty()) {
      return Map.of();
    }
    List<Key> keys = new ArrayList<>(first.keySet());
    String[] endpoints = keys.stream().map(Key::endpointId).toArray(String[]::new);
    String[] deliveryKeys = keys.stream().map(Key::deliveryKey).toArray(String[]::new);
    UUID[] ids =
        keys.stream().map(k -> batch.get(first.get(k)).delivery().id()).toArray(UUID[]::new);
    Long[] windows =
        keys.stream().map(k -> batch.get(first.get(k)).dedupWindowMillis()).toArray(Long[]::new);
    Set<Key> claimed = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement(CLAIM_KEYS)) {
      ps.setArray(1, connection.createArrayOf("text", endpoints));
      ps.setArray(2, connection.createArrayOf("text", deliveryKeys));
      ps.setArray(3, connection.createArrayOf("uuid", ids));
      ps.setArray(4, connection.createArrayOf("int8", windows));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(new Key(rs.getString(1), rs.getString(2)));
        }
      }
    }
    if (claimed.size() == keys.size()) {
      return Map.of();
    }
    Map<Key, UUID> owners = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(KEY_OWNERS)) {
      ps.setArray(1, connection.createArrayOf("text", endpoints));
      ps.setArray(2, connection.createArrayOf("text", deliveryKeys));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Key key = new Key(rs.getString(1), rs.getString(2));
          if (!claimed.contains(key)) {
            owners.put(key, RunRows.uuid(rs, "delivery_id"));
          }
        }
      }
    }
    return owners;
  }

  private static List<DeliveryRun> created(Ingest item) {
    return item.runs().stream()
        .map(r -> new DeliveryRun(r.route(), r.run().id(), r.run().taskId()))
        .toList();
  }

  /** Embedded store: one delivery, under the JVM-wide turn. */
  private Ingested ingestOne(Connection connection, Ingest item) throws SQLException {
    NewDelivery delivery = item.delivery();
    if (delivery.deliveryKey() != null) {
      UUID original = claimKeyEmbedded(connection, delivery, item.dedupWindowMillis());
      if (original != null) {
        WebhookDeliveries.insert(connection, delivery, Status.DUPLICATE, original);
        return new Ingested(
            original,
            true,
            WebhookDeliveries.runsOf(connection, List.of(original))
                .getOrDefault(original, List.of()));
      }
    }
    WebhookDeliveries.insert(connection, delivery, delivery.status(), null);
    if (!item.runs().isEmpty()) {
      insertion.insert(connection, item.runs().stream().map(RoutedRun::run).toList());
      try (PreparedStatement ps = connection.prepareStatement(INSERT_RUN)) {
        for (RoutedRun r : item.runs()) {
          bindDeliveryRun(ps, delivery.id(), r);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return new Ingested(delivery.id(), false, created(item));
  }

  private static void bindDeliveryRun(PreparedStatement ps, UUID deliveryId, RoutedRun r)
      throws SQLException {
    ps.setObject(1, deliveryId);
    ps.setInt(2, r.route());
    ps.setObject(3, r.run().id());
    ps.setString(4, r.run().taskId());
  }

  /** Claims the key; returns the live owner's id if another delivery has it. */
  private UUID claimKeyEmbedded(Connection connection, NewDelivery delivery, long windowMillis)
      throws SQLException {
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
}
