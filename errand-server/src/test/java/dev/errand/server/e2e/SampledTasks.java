package dev.errand.server.e2e;

import dev.errand.sdk.Queue;
import dev.errand.sdk.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A task on a queue limited to 3 that samples, itself, how many of its runs execute at once: on
 * start it adds a row to a PostgreSQL table, counts the rows and records the count, and on end it
 * removes its row. Workers in this JVM and in child JVMs share the table.
 */
final class SampledTasks {
  private SampledTasks() {}

  static final Queue THREE = Queue.named("sampled-three").concurrencyLimit(3);

  record Job(int n) {}

  /** Creates the tables in {@code jdbcUrl}'s database. */
  static void createTables(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE running (run_id text PRIMARY KEY, worker_id text NOT NULL)");
      s.execute("CREATE TABLE samples (worker_id text NOT NULL, seen integer NOT NULL)");
    }
  }

  static Task<Job, Integer> sampled(String jdbcUrl, String workerId) {
    return Task.define("sampled", Job.class, Integer.class)
        .queue(THREE)
        .run(
            (job, ctx) -> {
              try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null)) {
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO running (run_id, worker_id) VALUES (?, ?)")) {
                  ps.setString(1, ctx.runId());
                  ps.setString(2, workerId);
                  ps.executeUpdate();
                }
                int seen;
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM running")) {
                  rs.next();
                  seen = rs.getInt(1);
                }
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO samples (worker_id, seen) VALUES (?, ?)")) {
                  ps.setString(1, workerId);
                  ps.setInt(2, seen);
                  ps.executeUpdate();
                }
                Thread.sleep(100);
                try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM running WHERE run_id = ?")) {
                  ps.setString(1, ctx.runId());
                  ps.executeUpdate();
                }
                return job.n();
              }
            });
  }
}
