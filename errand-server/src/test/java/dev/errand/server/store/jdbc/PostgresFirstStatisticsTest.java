package dev.errand.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A fresh PostgreSQL database has no planner statistics until autovacuum gets to it, and meanwhile
 * a keyed queue's claim is planned blind. The store analyzes its hot tables itself once they hold
 * some rows, and the keyed scan is then planned over its index, also after the table grew.
 */
class PostgresFirstStatisticsTest {

  @Test
  void aNewRunsTableIsAnalyzedOnceItHoldsRowsAndTheKeyedScanUsesItsIndex() throws SQLException {
    String url = TestDatabases.freshPostgresUrl();
    try (Store store = Stores.postgres(url, 2);
        Connection connection = TestDatabases.connect(PostgresUrl.parse(url));
        Statement statement = connection.createStatement()) {
      // autovacuum must not get there first: this test is about the store doing it
      statement.execute("ALTER TABLE runs SET (autovacuum_enabled = false)");
      UUID environment = store.ensureEnvironment("stats", "prod").id();
      assertThat(store.analyzeNewTables()).isEmpty(); // an empty table is not worth it

      insertKeyedRuns(statement, environment, FirstStatistics.MIN_CHANGED_ROWS);
      List<String> analyzed = new ArrayList<>();
      // the server's activity counters reach pg_stat_user_tables within about a second
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                analyzed.addAll(store.analyzeNewTables());
                return analyzed.contains("runs");
              });
      assertThat(lastAnalyzed(statement)).isTrue();
      assertThat(store.analyzeNewTables()).doesNotContain("runs"); // never twice

      insertKeyedRuns(statement, environment, 19_000);
      assertThat(PostgresStoreClaimPlanTest.explainDueKeys(connection, environment))
          .doesNotContain("Seq Scan on runs")
          // one index probe for each next key, never a sort of the backlog (the only sort is that
          // of the executing runs' counts, of which there are none here)
          .containsPattern(
              "Index Only Scan using runs_queue_key_claimable_idx[^\\n]*rows=1(\\.00)? loops=999")
          .doesNotContainPattern("Sort Key: [^\\n]*available_at");
    }
  }

  private static void insertKeyedRuns(Statement statement, UUID environment, int n)
      throws SQLException {
    statement.execute(
        """
        INSERT INTO runs (id, environment_id, task_id, queue, concurrency_key, status, payload,
                          max_attempts, created_at, available_at, updated_at)
        SELECT gen_random_uuid(), '%s', 'sync', 'tenants', 'tenant-' || (n %% 1000), 'QUEUED',
               '{}', 3, now(), now() - (n * interval '1 millisecond'), now()
        FROM generate_series(1, %d) AS n
        """
            .formatted(environment, n));
  }

  private static boolean lastAnalyzed(Statement statement) throws SQLException {
    try (ResultSet rs =
        statement.executeQuery(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'runs'")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
