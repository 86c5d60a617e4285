package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.server.auth.SecretKeys;
import dev.errand.server.store.jdbc.JdbcStore;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V19 over keys made before it: each keeps working as an {@code admin} key of its environment, with
 * a name from its id and no last four; on both dialects.
 */
class KeyMigrationTest {
  @TempDir Path dir;

  private static final String LEGACY_KEY = "sk_dev_abcdefghijklmnopqrstuvwxyz234567";

  private static void insertLegacyKey(Connection connection, UUID keyId) throws Exception {
    UUID project = UUID.randomUUID();
    UUID env = UUID.randomUUID();
    try (Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO projects (id, slug) VALUES ('%s', 'p')".formatted(project));
      statement.execute(
          "INSERT INTO environments (id, project_id, slug) VALUES ('%s', '%s', 'dev')"
              .formatted(env, project));
      statement.execute(
          "INSERT INTO api_keys (id, environment_id, key_hash, key_prefix) VALUES ('%s', '%s', '%s', 'sk_dev_abcde')"
              .formatted(keyId, env, SecretKeys.hash(LEGACY_KEY)));
    }
  }

  private static void expectMigrated(Store store, UUID keyId) {
    AccessStore.KeyMatch match =
        store.access().findByHash(SecretKeys.hash(LEGACY_KEY)).orElseThrow();
    assertThat(match.key().id()).isEqualTo(keyId);
    assertThat(match.key().type()).isEqualTo("admin");
    assertThat(match.key().name()).isEqualTo("key-" + keyId.toString().substring(0, 8));
    assertThat(match.key().lastFour()).isNull();
    assertThat(match.environment().projectSlug()).isEqualTo("p");
    assertThat(match.environment().slug()).isEqualTo("dev");
  }

  @Test
  void postgresKeysMadeBeforeV19StayAdminKeys() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    PostgresUrl parsed = PostgresUrl.parse(url);
    Flyway.configure()
        .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
        .locations("classpath:db/migration/postgresql")
        .target("18")
        .load()
        .migrate();
    UUID keyId = UUID.randomUUID();
    try (Connection connection = TestDatabases.connect(parsed)) {
      insertLegacyKey(connection, keyId);
    }
    try (Store store = Stores.postgres(url, 2)) {
      expectMigrated(store, keyId);
    }
  }

  @Test
  void embeddedKeysMadeBeforeV19StayAdminKeys() throws Exception {
    String jdbcUrl = "jdbc:h2:file:" + dir.resolve("errand") + JdbcStore.H2_SETTINGS;
    Flyway.configure()
        .dataSource(jdbcUrl, "", "")
        .locations("classpath:db/migration/h2")
        .target("18")
        .load()
        .migrate();
    UUID keyId = UUID.randomUUID();
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "", "")) {
      insertLegacyKey(connection, keyId);
    }
    try (Store store = Stores.embedded(dir)) {
      expectMigrated(store, keyId);
    }
  }
}
