package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.server.store.jdbc.PostgresUrl;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Migrations run forward over a database that already holds data. */
class PostgresMigrationTest {
  @Test
  void upgradingFromTheFirstSchemaKeepsRunsClaimable() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    PostgresUrl parsed = PostgresUrl.parse(url);
    Flyway.configure()
        .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
        .locations("classpath:db/migration/postgresql")
        .target("1")
        .load()
        .migrate();
    UUID env = UUID.randomUUID();
    UUID project = UUID.randomUUID();
    UUID run = UUID.randomUUID();
    try (Connection connection = TestDatabases.connect(parsed);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO projects (id, slug) VALUES ('%s', 'p')".formatted(project));
      statement.execute(
          "INSERT INTO environments (id, project_id, slug) VALUES ('%s', '%s', 'dev')"
              .formatted(env, project));
      statement.execute(
          """
          INSERT INTO runs (id, environment_id, task_id, queue, status, payload, max_attempts,
                            created_at, available_at, updated_at)
          VALUES ('%s', '%s', 'old-task', 'default', 'QUEUED', '{"v":1}', 3, now(), now(), now())
          """
              .formatted(run, env));
    }

    try (Store store = Stores.postgres(url, 2)) {
      List<ClaimedRun> claimed =
          store.claim(env, List.of("old-task"), "w", 10, Duration.ofSeconds(30));
      assertThat(claimed)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.runId()).isEqualTo(run);
                assertThat(c.payloadJson()).isEqualTo("{\"v\":1}");
                assertThat(c.attempt()).isEqualTo(1);
              });
    }
  }
}
