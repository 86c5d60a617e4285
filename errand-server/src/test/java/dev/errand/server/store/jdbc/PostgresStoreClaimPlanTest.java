package dev.errand.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot PostgreSQL queries are served by their partial indexes. The table holds what a busy
 * installation holds: many finished runs and a few due ones.
 */
class PostgresStoreClaimPlanTest {

  static String url;
  static UUID environmentId;

  @BeforeEach
  void fillDatabaseOnce() throws SQLException {
    if (environmentId != null) {
      return;
    }
    url = TestDatabases.freshPostgresUrl(); // skips (or, when CI=true, fails) without a server
    UUID filled;
    try (Store store = Stores.postgres(url, 1)) {
      Environment env = store.ensureEnvironment("plan", "prod");
      filled = env.id();
    }
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          """
          INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts,
                            created_at, available_at, updated_at)
          SELECT gen_random_uuid(), '%s', 'task-' || (n %% 5), 'q',
                 CASE WHEN n %% 500 = 0 THEN 'QUEUED' ELSE 'COMPLETED' END, '{}', 3,
                 now(), now(), now()
          FROM generate_series(1, 20000) AS n
          """
              .formatted(filled));
      statement.execute("ANALYZE runs");
    }
    environmentId = filled;
  }

  static Connection connect() throws SQLException {
    return TestDatabases.connect(PostgresUrl.parse(url));
  }

  @Test
  void claimPicksDueRunsThroughThePartialIndex() throws SQLException {
    String plan = explainClaim(false);
    assertThat(plan).contains("runs_claimable_idx").doesNotContain("Seq Scan on runs");
  }

  @Test
  void claimCanUseThePartialIndexEvenOnATinyTable() throws SQLException {
    // With sequential scans disabled the planner must still find an index path: proof that the
    // claim's status predicate implies the index predicate (literal lists built from RunStatus).
    String plan = explainClaim(true);
    assertThat(plan).contains("runs_claimable_idx");
  }

  @Test
  void claimReadsOnlyWhatItMayClaimWhateverTheBacklog() throws SQLException {
    UUID backlogged = UUID.randomUUID();
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          """
          INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts,
                            created_at, available_at, updated_at)
          SELECT gen_random_uuid(), '%s', 'task-' || (n %% 3), 'q', 'QUEUED', '{}', 3,
                 now(), now() - (n * interval '1 millisecond'), now()
          FROM generate_series(1, 60000) AS n
          """
              .formatted(backlogged));
      statement.execute("ANALYZE runs");
      connection.setAutoCommit(false);
      try {
        String plan =
            explain(
                connection,
                "EXPLAIN (ANALYZE, FORMAT TEXT) ",
                backlogged,
                50,
                "task-0",
                "task-1",
                "task-2");
        assertThat(plan).contains("runs_claimable_idx").doesNotContain("Seq Scan on runs");
        // each per-task index walk stops at the limit: 50 rows a loop, 3 loops, not 60,000
        assertThat(plan)
            .containsPattern(
                "Index Scan using runs_claimable_idx[^\\n]*actual time=[^\\n]* rows=50(\\.00)? loops=3");
      } finally {
        connection.rollback();
      }
    }
  }

  /** 30,000 queued runs of task "sync" in queue "tenants", 30 for each of 1,000 keys; analyzed. */
  private static UUID keyedBacklog(Statement statement) throws SQLException {
    UUID keyed = UUID.randomUUID();
    statement.execute(
        """
        INSERT INTO runs (id, environment_id, task_id, queue, concurrency_key, status, payload,
                          max_attempts, created_at, available_at, updated_at)
        SELECT gen_random_uuid(), '%s', 'sync', 'tenants', 'tenant-' || (n %% 1000), 'QUEUED',
               '{}', 3, now(), now() - (n * interval '1 millisecond'), now()
        FROM generate_series(1, 30000) AS n
        """
            .formatted(keyed));
    statement.execute("ANALYZE runs");
    return keyed;
  }

  @Test
  void aKeyedQueuesFirstRoundTakesEachKeysOldestRunThroughTheKeyIndex() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      UUID keyed = keyedBacklog(statement);
      PostgresClaim.Named firstRound =
          new PostgresClaim(new PostgresDialect()).firstRoundStatement();
      // custom plans first; after five executions PostgreSQL may keep a generic one
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        statement.execute("SET plan_cache_mode = " + mode);
        assertThat(explainKeyed(connection, firstRound, keyed))
            .as(mode)
            .contains("runs_queue_key_claimable_idx")
            .doesNotContain("Seq Scan on runs")
            // 1,000 free slots over 1,000 keys: each key found once, and one run taken from each
            .containsPattern("CTE Scan on from_start[^\\n]*rows=1000(\\.00)? loops=1")
            .containsPattern(
                "Index Scan using runs_queue_key_claimable_idx on runs[^\\n]*rows=1(\\.00)?"
                    + " loops=1000");
      }
    }
  }

  @Test
  void aKeyedQueueFindsItsKeysWithDueRunsWithoutReadingTheirBacklogs() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      UUID keyed = keyedBacklog(statement);
      assertThat(explainDueKeys(connection, keyed))
          .contains("runs_queue_key_claimable_idx")
          .doesNotContain("Seq Scan on runs")
          // 1,000 keys found, each probed once: 1,000 rows out of 30,000 queued
          .containsPattern("CTE Scan on from_start[^\\n]*rows=1000(\\.00)? loops=1");
    }
  }

  /**
   * The executed plan of a limited claim's key state read (executing runs per key, cursor, due
   * keys) for queue "tenants" and task "sync", looking for up to 1,000 keys.
   */
  static String explainDueKeys(Connection connection, UUID environment) throws SQLException {
    return explainKeyed(
        connection, new PostgresClaim(new PostgresDialect()).keyStateStatement(), environment);
  }

  /**
   * The executed plan of {@code statement} (a limited claim's key state or first round) for queue
   * "tenants" and task "sync", with 1,000 free slots and no limit that binds. A first round is
   * rolled back.
   */
  static String explainKeyed(Connection connection, PostgresClaim.Named statement, UUID environment)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (PreparedStatement ps =
        connection.prepareStatement("EXPLAIN (ANALYZE, FORMAT TEXT) " + statement.sql())) {
      PostgresClaim.bind(
          statement,
          ps,
          0,
          connection,
          new Claim.Request(environment, List.of("sync"), "worker", 1_000, 30_000, null),
          "tenants",
          new Store.QueueLimits(null, null, null, null, false));
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
      return String.join("\n", lines);
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }

  private static String explainClaim(boolean forbidSeqScan) throws SQLException {
    try (Connection connection = connect()) {
      if (forbidSeqScan) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET enable_seqscan = off");
        }
      }
      return explain(connection, "EXPLAIN ", environmentId, 20, "task-0", "task-1");
    }
  }

  /** The plan of the claim statement for these tasks, as the explain prefix prints it. */
  private static String explain(
      Connection connection, String prefix, UUID environment, int max, String... tasks)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            prefix + new PostgresClaim(new PostgresDialect()).byTaskSql())) {
      ps.setArray(1, connection.createArrayOf("text", tasks));
      ps.setObject(2, environment);
      ps.setInt(3, max);
      ps.setInt(4, max);
      ps.setString(5, "worker");
      ps.setLong(6, 30_000);
      ps.setLong(7, 30_000);
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
      return String.join("\n", lines);
    }
  }
}
