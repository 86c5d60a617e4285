package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.server.e2e.SampledTasks.Job;
import dev.errand.server.store.TestDatabases;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A queue limited to 3 across four workers, one of them in its own JVM and killed midway: the
 * running count the tasks sample themselves (in a PostgreSQL table) never exceeds 3, and every run
 * completes. On both stores; on PostgreSQL the killed worker and one other are connected to a
 * second server node on the same database.
 */
abstract class QueueLimitFaultTest extends ServerTestBase {
  private Process process;

  @AfterEach
  void killProcess() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void aQueueLimitHoldsWhileAWorkerIsKilled() throws Exception {
    String jdbcUrl = PostgresUrl.parse(TestDatabases.freshPostgresUrl()).jdbcUrl();
    SampledTasks.createTables(jdbcUrl);
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SampledWorkerMain.class.getName(),
                otherNode().localUrl(), // on PostgreSQL the second server node
                secretKey,
                "doomed",
                jdbcUrl)
            .redirectErrorStream(true)
            .redirectOutput(tempDir.resolve("doomed.log").toFile())
            .start();
    startWorker(5, SampledTasks.sampled(jdbcUrl, "in-process-0"));
    startWorker(5, SampledTasks.sampled(jdbcUrl, "in-process-1"));
    startWorkerOnOtherNode(5, SampledTasks.sampled(jdbcUrl, "in-process-2"));
    List<RunHandle<Integer>> handles =
        client.batchTrigger(
            SampledTasks.sampled(jdbcUrl, "client"),
            IntStream.range(0, 200).mapToObj(Job::new).toList());

    await().atMost(TIMEOUT).until(() -> samples(jdbcUrl, "doomed") >= 3);
    await().atMost(TIMEOUT).until(() -> samples(jdbcUrl, null) >= 60);
    process.destroyForcibly(); // SIGKILL, midway
    process.waitFor();
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM running WHERE worker_id = 'doomed'"); // its tasks died with it
    }

    for (RunHandle<Integer> h : handles) {
      assertThat(client.runs().awaitCompletion(h, Duration.ofSeconds(60)).status())
          .isEqualTo(RunStatus.COMPLETED);
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(seen), count(*) FROM samples")) {
      rs.next();
      assertThat(rs.getInt(1)).as("most runs seen executing at once").isEqualTo(3);
      assertThat(rs.getInt(2)).as("samples, one per execution").isGreaterThanOrEqualTo(200);
    }
  }

  private static int samples(String jdbcUrl, String workerId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM samples WHERE ? IS NULL OR worker_id = ?")) {
      ps.setString(1, workerId);
      ps.setString(2, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
