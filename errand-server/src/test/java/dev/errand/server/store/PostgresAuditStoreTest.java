package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.server.store.AuditStore.Filter;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit log contract on PostgreSQL, plus what only PostgreSQL enforces: the table refuses
 * UPDATE, DELETE and TRUNCATE even from the superuser the tests connect as.
 */
class PostgresAuditStoreTest extends AuditStoreContractTest {
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, PostgresStoreTest.POOL_SIZE);
  }

  private static Connection plainConnection() throws SQLException {
    return TestDatabases.connect(PostgresUrl.parse(url));
  }

  @Test
  void updateDeleteAndTruncateAreRefusedAndChangeNothing() throws SQLException {
    audit.append(entry("run.canceled", "key-1", "run", "run_1"));
    List<AuditRecord> before = audit.list(env.id(), Filter.NONE, 10);
    String id = String.valueOf(before.getFirst().id());
    try (Connection c = plainConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = user")) {
        assertThat(rs.next() && rs.getBoolean(1)).as("tests connect as a superuser").isTrue();
      }
      for (String sql :
          List.of(
              "UPDATE audit_log SET actor_name = 'someone else' WHERE id = " + id,
              "DELETE FROM audit_log WHERE id = " + id,
              "DELETE FROM audit_log WHERE id = -1",
              "TRUNCATE audit_log")) {
        assertThatThrownBy(() -> s.executeUpdate(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("audit_log is append-only");
      }
    }
    assertThat(audit.list(env.id(), Filter.NONE, 10)).isEqualTo(before);
  }

  @Test
  void aBatchTriggerAndItsAuditRowAreOneTransaction() throws SQLException {
    List<NewRun> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      batch.add(run("batch", null));
    }
    audit.appendWith(entry("run.triggered", "key", "task", "batch"), () -> store.insertRuns(batch));
    // rows written by one transaction carry its id in xmin
    Set<String> transactions = new HashSet<>();
    try (Connection c = plainConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT DISTINCT xmin::text FROM runs WHERE environment_id = '" + env.id() + "'")) {
        while (rs.next()) {
          transactions.add(rs.getString(1));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT xmin::text, details FROM audit_log WHERE environment_id = '"
                  + env.id()
                  + "'")) {
        assertThat(rs.next()).isTrue();
        transactions.add(rs.getString(1));
        assertThat(rs.getString(2)).contains(batch.getLast().id().toString());
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(transactions).hasSize(1);
  }
}
