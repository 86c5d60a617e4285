package dev.errand.server.store.jdbc;

import dev.errand.server.store.DataKeyRecord;
import dev.errand.server.store.EnvVarRecord;
import dev.errand.server.store.SecretStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** {@link SecretStore} over JDBC: data keys, environment variables, webhook secrets. */
final class JdbcSecretStore implements SecretStore {
  private static final String KEY_COLUMNS =
      "environment_id, key_id, wrapped_key, master_key_fingerprint, vars_version";

  private static final String INSERT_KEY =
      "INSERT INTO secret_data_keys (environment_id, key_id, wrapped_key, master_key_fingerprint,"
          + " vars_version, created_at) VALUES (?, ?, ?, ?, 0, CURRENT_TIMESTAMP)";

  private static final String REWRAP =
      "UPDATE secret_data_keys SET wrapped_key = ?, master_key_fingerprint = ?,"
          + " rewrapped_at = CURRENT_TIMESTAMP WHERE environment_id = ? AND key_id = ?";

  private static final String BUMP =
      "UPDATE secret_data_keys SET vars_version = vars_version + 1 WHERE environment_id = ?";

  private static final String UPDATE_VAR =
      "UPDATE environment_variables SET sealed_value = ?, updated_at = CURRENT_TIMESTAMP"
          + " WHERE environment_id = ? AND name = ?";

  private static final String INSERT_VAR =
      "INSERT INTO environment_variables (environment_id, name, sealed_value, created_at, updated_at)"
          + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";

  private final Database database;
  private final boolean postgres;

  JdbcSecretStore(Database database, Dialect dialect) {
    this.database = database;
    this.postgres = dialect instanceof PostgresDialect;
  }

  @Override
  public Optional<DataKeyRecord> findDataKey(UUID environmentId) {
    return database.read(
        "find the data key of environment " + environmentId,
        c -> keys(c, " WHERE environment_id = ?", environmentId).stream().findFirst());
  }

  @Override
  public DataKeyRecord ensureDataKey(DataKeyRecord candidate) {
    return database.transaction(
        "store the data key of environment " + candidate.environmentId(),
        c -> {
          List<DataKeyRecord> existing =
              keys(c, " WHERE environment_id = ?", candidate.environmentId());
          if (!existing.isEmpty()) {
            return existing.getFirst();
          }
          try (PreparedStatement ps = c.prepareStatement(INSERT_KEY)) {
            ps.setObject(1, candidate.environmentId());
            ps.setObject(2, candidate.keyId());
            ps.setString(3, candidate.wrappedKey());
            ps.setString(4, candidate.masterKeyFingerprint());
            ps.executeUpdate();
          }
          return keys(c, " WHERE environment_id = ?", candidate.environmentId()).getFirst();
        });
  }

  @Override
  public List<DataKeyRecord> listDataKeys() {
    return database.read("list data keys", c -> keys(c, " ORDER BY environment_id"));
  }

  @Override
  public int rewrapDataKeys(
      UnaryOperator<DataKeyRecord> rewrap,
      String newFingerprint,
      Map<String, UnaryOperator<String>> rewrapSettings) {
    return database.transaction(
        "rewrap the data keys",
        c -> {
          if (postgres) {
            // blocks a node that creates a data key (under its master key: the old one) until the
            // rotation commits; reads go on (the embedded store is one process: nothing else runs)
            try (Statement s = c.createStatement()) {
              s.execute("LOCK TABLE secret_data_keys IN EXCLUSIVE MODE");
            }
          }
          int rewrapped = 0;
          for (DataKeyRecord key : keys(c, " ORDER BY environment_id FOR UPDATE")) {
            if (key.masterKeyFingerprint().equals(newFingerprint)) {
              continue; // rewrapped by an earlier run of this rotation
            }
            DataKeyRecord next = rewrap.apply(key);
            if (!next.environmentId().equals(key.environmentId())
                || !next.keyId().equals(key.keyId())
                || !newFingerprint.equals(next.masterKeyFingerprint())) {
              throw new IllegalArgumentException(
                  "a rewrapped data key must keep its environment and key id and carry fingerprint "
                      + newFingerprint);
            }
            try (PreparedStatement ps = c.prepareStatement(REWRAP)) {
              ps.setString(1, next.wrappedKey());
              ps.setString(2, next.masterKeyFingerprint());
              ps.setObject(3, key.environmentId());
              ps.setObject(4, key.keyId());
              ps.executeUpdate();
            }
            rewrapped++;
          }
          for (Map.Entry<String, UnaryOperator<String>> setting : rewrapSettings.entrySet()) {
            Optional<String> value = setting(c, setting.getKey(), " FOR UPDATE");
            if (value.isPresent()) {
              String next = setting.getValue().apply(value.get());
              if (!next.equals(value.get())) {
                replaceSetting(c, setting.getKey(), value.get(), next);
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM secret_data_keys WHERE master_key_fingerprint <> ?")) {
            ps.setString(1, newFingerprint);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long left = rs.getLong(1);
              if (left > 0) {
                throw new IllegalStateException(
                    left
                        + " data key(s) were added under another master key during the rotation;"
                        + " nothing was changed: stop the servers and rotate again");
              }
            }
          }
          return rewrapped;
        });
  }

  @Override
  public Optional<String> findSetting(String name) {
    return database.read("read setting " + name, c -> setting(c, name, ""));
  }

  @Override
  public boolean replaceSetting(String name, String oldValue, String newValue) {
    Objects.requireNonNull(newValue, "newValue");
    return database.statement(
        "replace setting " + name, c -> replaceSetting(c, name, oldValue, newValue));
  }

  private static Optional<String> setting(Connection c, String name, String lock)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT setting_value FROM server_settings WHERE name = ?" + lock)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static boolean replaceSetting(Connection c, String name, String oldValue, String newValue)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE server_settings SET setting_value = ? WHERE name = ? AND setting_value = ?")) {
      ps.setString(1, newValue);
      ps.setString(2, name);
      ps.setString(3, oldValue);
      return ps.executeUpdate() > 0;
    }
  }

  @Override
  public boolean putEnvVar(UUID environmentId, String name, String sealedValue) {
    return database.transaction(
        "set environment variable " + name,
        c -> {
          // the version bump first: it locks the data key row, so writers of one environment queue
          if (update(c, BUMP, environmentId) == 0) {
            throw new IllegalStateException(
                "environment " + environmentId + " has no data key: create it first");
          }
          try (PreparedStatement ps = c.prepareStatement(UPDATE_VAR)) {
            ps.setString(1, sealedValue);
            ps.setObject(2, environmentId);
            ps.setString(3, name);
            if (ps.executeUpdate() > 0) {
              return false;
            }
          }
          try (PreparedStatement ps = c.prepareStatement(INSERT_VAR)) {
            ps.setObject(1, environmentId);
            ps.setString(2, name);
            ps.setString(3, sealedValue);
            ps.executeUpdate();
          }
          return true;
        });
  }

  @Override
  public boolean deleteEnvVar(UUID environmentId, String name) {
    return database.transaction(
        "delete environment variable " + name,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM environment_variables WHERE environment_id = ? AND name = ?")) {
            ps.setObject(1, environmentId);
            ps.setString(2, name);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          update(c, BUMP, environmentId);
          return true;
        });
  }

  @Override
  public List<EnvVarRecord> listEnvVars(UUID environmentId) {
    return database.read(
        "list environment variables",
        c -> {
          List<EnvVarRecord> vars = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT environment_id, name, sealed_value, created_at, updated_at"
                      + " FROM environment_variables WHERE environment_id = ? ORDER BY name")) {
            ps.setObject(1, environmentId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                vars.add(
                    new EnvVarRecord(
                        RunRows.uuid(rs, "environment_id"),
                        rs.getString("name"),
                        rs.getString("sealed_value"),
                        RunRows.instant(rs, "created_at"),
                        RunRows.instant(rs, "updated_at")));
              }
            }
          }
          return vars;
        });
  }

  @Override
  public long envVarsVersion(UUID environmentId) {
    return database.read(
        "read the variables version",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT vars_version FROM secret_data_keys WHERE environment_id = ?")) {
            ps.setObject(1, environmentId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getLong(1) : 0L;
            }
          }
        });
  }

  @Override
  public List<WebhookSecretRow> listWebhookSecrets() {
    return database.read(
        "list webhook secrets",
        c -> {
          List<WebhookSecretRow> rows = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT e.environment_id, s.endpoint_id, s.version, s.secret"
                          + " FROM webhook_secrets s JOIN webhook_endpoints e"
                          + " ON e.id = s.endpoint_id WHERE s.secret IS NOT NULL"
                          + " ORDER BY s.endpoint_id, s.version");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(
                  new WebhookSecretRow(
                      RunRows.uuid(rs, "environment_id"),
                      rs.getString("endpoint_id"),
                      rs.getInt("version"),
                      rs.getString("secret")));
            }
          }
          return rows;
        });
  }

  @Override
  public boolean replaceWebhookSecret(
      String endpointId, int version, String oldValue, String newValue) {
    Objects.requireNonNull(newValue, "newValue");
    return database.statement(
        "seal webhook secret " + endpointId + " v" + version,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_secrets SET secret = ?"
                      + " WHERE endpoint_id = ? AND version = ? AND secret = ?")) {
            ps.setString(1, newValue);
            ps.setString(2, endpointId);
            ps.setInt(3, version);
            ps.setString(4, oldValue);
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static int update(Connection c, String sql, UUID environmentId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, environmentId);
      return ps.executeUpdate();
    }
  }

  private static List<DataKeyRecord> keys(Connection c, String where, Object... parameters)
      throws SQLException {
    List<DataKeyRecord> keys = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM secret_data_keys" + where)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(
              new DataKeyRecord(
                  RunRows.uuid(rs, "environment_id"),
                  RunRows.uuid(rs, "key_id"),
                  rs.getString("wrapped_key"),
                  rs.getString("master_key_fingerprint"),
                  rs.getLong("vars_version")));
        }
      }
    }
    return keys;
  }
}
