package dev.errand.server.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.server.engine.CallbackKeySeal;
import dev.errand.server.store.SecretStore.WebhookSecretRow;
import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V20 over a database whose webhook secrets were stored in clear (V17). */
class PostgresSecretsMigrationTest {
  private static final String CALLBACK_KEY_IN_CLEAR =
      "c2VjcmV0LWNhbGxiYWNrLWtleS0zMi1ieXRlcy1sb25nISE=";

  @Test
  void webhookSecretsStoredBeforeV20AreSealedAtTheFirstStartAndStillVerify() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    PostgresUrl parsed = PostgresUrl.parse(url);
    Flyway.configure()
        .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
        .locations("classpath:db/migration/postgresql")
        .target("18")
        .load()
        .migrate();
    UUID project = UUID.randomUUID();
    UUID env = UUID.randomUUID();
    try (Connection connection = TestDatabases.connect(parsed);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO projects (id, slug) VALUES ('%s', 'p')".formatted(project));
      statement.execute(
          "INSERT INTO environments (id, project_id, slug) VALUES ('%s', '%s', 'dev')"
              .formatted(env, project));
      statement.execute(
          """
          INSERT INTO webhook_endpoints (id, environment_id, name, verifier, routes,
              dedup_window_ms, max_body_bytes, created_at, updated_at)
          VALUES ('we_old', '%s', 'old', '{"type":"github"}', '[]', 1000, 1000, now(), now())
          """
              .formatted(env));
      statement.execute(
          """
          INSERT INTO webhook_secrets (endpoint_id, version, secret, created_at, expires_at)
          VALUES ('we_old', 1, 'whsec_from_before_v20', now(), now() + interval '1 day'),
                 ('we_old', 2, 'whsec_current_before_v20', now(), NULL)
          """);
      statement.execute(
          "INSERT INTO server_settings (name, setting_value) VALUES ('waitpoint_callback_key', '"
              + CALLBACK_KEY_IN_CLEAR
              + "')");
    }

    MasterKey master = MasterKey.generate();
    try (Store store = Stores.postgres(url, 2)) {
      assertThat(store.secrets().listWebhookSecrets())
          .extracting(WebhookSecretRow::value)
          .containsExactly("whsec_from_before_v20", "whsec_current_before_v20");
      Secrets secrets = new Secrets(store, master);
      secrets.start();
      assertThat(store.secrets().listWebhookSecrets())
          .allSatisfy(
              r ->
                  assertThat(r.value())
                      .startsWith("enc:v1:")
                      .doesNotContain("whsec_from_before_v20")
                      .doesNotContain("whsec_current_before_v20"));
      assertThat(
              store.secrets().listWebhookSecrets().stream()
                  .map(r -> secrets.webhookSeal().open(env, "we_old", r.version(), r.value()))
                  .toList())
          .containsExactly("whsec_from_before_v20", "whsec_current_before_v20");
      String callbackKey = store.secrets().findSetting(CallbackKeySeal.SETTING).orElseThrow();
      assertThat(callbackKey).startsWith("enc:v1:").doesNotContain(CALLBACK_KEY_IN_CLEAR);
      assertThat(secrets.callbackKeys().open(callbackKey))
          .isEqualTo(Base64.getDecoder().decode(CALLBACK_KEY_IN_CLEAR));
      new Secrets(store, master).start(); // a second start finds nothing left to seal
      assertThat(store.secrets().findSetting(CallbackKeySeal.SETTING)).contains(callbackKey);
      assertThat(store.secrets().findDataKey(env)).isPresent();
    }
  }
}
