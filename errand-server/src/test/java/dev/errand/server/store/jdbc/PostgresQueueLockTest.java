package dev.errand.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.QueueLimits;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A limited claim sends the queue's lock and its first round in one round trip. The round must
 * still see what the claim that held the lock before it committed: PostgreSQL gives the second
 * statement its own snapshot, taken once the lock is granted.
 */
class PostgresQueueLockTest {

  @Test
  void theFirstRoundSentWithTheLockSeesTheClaimThatHeldItBefore() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    UUID environment;
    try (Store store = Stores.postgres(url, 1)) {
      Environment env = store.ensureEnvironment("lock", "prod");
      environment = env.id();
    }
    String lock = "errand-queue/" + environment + "/tenants";
    try (Connection holder = TestDatabases.connect(PostgresUrl.parse(url));
        Connection waiter = TestDatabases.connect(PostgresUrl.parse(url));
        Statement statement = holder.createStatement()) {
      statement.execute(
          """
          INSERT INTO runs (id, environment_id, task_id, queue, concurrency_key, status, payload,
                            max_attempts, created_at, available_at, updated_at)
          SELECT gen_random_uuid(), '%s', 'sync', 'tenants', 'tenant-' || (n %% 3), 'QUEUED',
                 '{}', 3, now(), now(), now()
          FROM generate_series(1, 9) AS n
          """
              .formatted(environment));
      // an earlier claim: holds the queue's lock while it moves two runs of tenant-1 to EXECUTING
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        ps.setString(1, lock);
        ps.executeQuery().close();
      }
      statement.execute(
          """
          UPDATE runs SET status = 'EXECUTING'
          WHERE id IN (SELECT id FROM runs WHERE concurrency_key = 'tenant-1' LIMIT 2)
          """);

      waiter.setAutoCommit(false);
      Claim.Request request =
          new Claim.Request(environment, List.of("sync"), "worker-1", 10, 30_000, null);
      QueueLimits limits = new QueueLimits(2, null, null, null, false);
      CompletableFuture<PostgresClaim.FirstRound> round =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new PostgresClaim(new PostgresDialect())
                      .firstRound(waiter, request, "tenants", limits, lock);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> waitsOnAnAdvisoryLock(statement));
      holder.commit();

      PostgresClaim.FirstRound first = round.get();
      // tenant-1 is full (2 of 2): with a snapshot from before the lock, its third run would start
      assertThat(first.claimed()).hasSize(4);
      assertThat(executingByKey(waiter))
          .containsExactlyInAnyOrderEntriesOf(
              java.util.Map.of("tenant-0", 2L, "tenant-1", 2L, "tenant-2", 2L));
      // every key is at its limit: no later round could start more
      assertThat(first.maybeMore()).isFalse();
      waiter.rollback();
    }
  }

  private static java.util.Map<String, Long> executingByKey(Connection connection)
      throws SQLException {
    java.util.Map<String, Long> counts = new java.util.HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT concurrency_key, count(*) FROM runs WHERE status = 'EXECUTING'"
                    + " GROUP BY concurrency_key")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  private static boolean waitsOnAnAdvisoryLock(Statement statement) throws SQLException {
    try (ResultSet rs =
        statement.executeQuery(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }
}
