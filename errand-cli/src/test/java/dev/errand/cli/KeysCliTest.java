package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.ApiKeys;
import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code errand projects} and {@code errand keys} against a real server with an admin token. */
class KeysCliTest {
  @TempDir static Path dir;
  private static CliServer api;

  @BeforeAll
  static void startServer() throws Exception {
    api =
        new CliServer(
            dir,
            Task.define("cli-keys-noop", ScheduledEvent.class, Void.class)
                .run((event, ctx) -> null));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aProjectIsCreatedAndAKeyOfItIsCreatedListedUsedAndRevoked() throws Exception {
    Result project = CliServer.ok(api.admin("projects", "create", "acme"));
    assertThat(project.out()).contains("Created project acme with environments dev, staging, prod");
    assertThat(CliServer.ok(api.admin("projects", "list")).out())
        .containsPattern("acme\\s+dev, staging, prod");
    CliServer.ok(api.admin("projects", "add-environment", "acme", "qa"));
    assertThat(CliServer.ok(api.admin("projects", "list", "--json")).json().path("data"))
        .anySatisfy(
            p -> assertThat(p.path("environments")).extracting(JsonNode::asText).contains("qa"));

    Result created =
        CliServer.ok(
            api.admin(
                "keys",
                "create",
                "--project",
                "acme",
                "--env",
                "prod",
                "--name",
                "ci-deploy",
                "--type",
                "read-only",
                "--expires-in",
                "90d"));
    String key = created.field("Key");
    assertThat(key).startsWith("ek_prod_");
    assertThat(ApiKeys.looksValid(key)).isTrue();
    assertThat(created.out()).contains("only time the key is shown");
    Instant expires = Instant.parse(created.field("Expires"));
    assertThat(Duration.between(Instant.now(), expires))
        .isBetween(Duration.ofDays(89), Duration.ofDays(91));

    // the key works with the other commands
    Result schedules =
        CliServer.run("schedules", "list", "--api-url", api.url(), "--secret-key", key);
    CliServer.ok(schedules);

    Result listed = CliServer.ok(api.admin("keys", "list", "--project", "acme", "--env", "prod"));
    assertThat(listed.out())
        .contains("ci-deploy")
        .contains("read-only")
        .contains("active")
        .contains("..." + key.substring(key.length() - 4))
        .doesNotContain(key);
    JsonNode listedJson =
        CliServer.ok(api.admin("keys", "list", "--project", "acme", "--env", "prod", "--json"))
            .json()
            .path("data")
            .path(0);
    assertThat(listedJson.path("lastUsedAt").asText()).isNotBlank();
    assertThat(listedJson.has("key")).isFalse();

    Result revoked =
        CliServer.ok(
            api.admin("keys", "revoke", "--project", "acme", "--env", "prod", "ci-deploy"));
    assertThat(revoked.out()).contains("Revoked key 'ci-deploy' of acme/prod");
    Result refused =
        CliServer.run("schedules", "list", "--api-url", api.url(), "--secret-key", key);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("unknown or revoked API key");
  }

  @Test
  void aKeyWithATypoIsCaughtBeforeAnyRequest() {
    String key = ApiKeys.PREFIX + "prod_" + "a".repeat(32) + "_";
    String wellFormed = key + ApiKeys.checksum(key.substring(0, key.length() - 1));
    String typo = wellFormed.replace("aaaa", "aaab");
    Result result =
        CliServer.run("schedules", "list", "--api-url", "http://127.0.0.1:1", "--secret-key", typo);
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("this API key has a typo: its checksum does not match");
  }

  @Test
  void refusalsAreMessagesWithAnExitCode() {
    Result noToken = CliServer.run("keys", "list", "--env", "prod", "--api-url", api.url());
    if (System.getenv("ERRAND_ADMIN_TOKEN") == null) {
      assertThat(noToken.exitCode()).isEqualTo(2);
      assertThat(noToken.err()).contains("--admin-token").contains("ERRAND_ADMIN_TOKEN");
    }
    Result wrongToken =
        CliServer.run(
            "projects", "list", "--api-url", api.url(), "--admin-token", "not-the-admin-token-0");
    assertThat(wrongToken.exitCode()).isEqualTo(1);
    assertThat(wrongToken.err()).contains("admin token");
    Result badType = api.admin("keys", "create", "--env", "test", "--name", "x", "--type", "root");
    assertThat(badType.exitCode()).isEqualTo(1);
    assertThat(badType.err())
        .contains("type must be one of admin, worker, trigger-only, read-only");
    Result badExpiry =
        api.admin(
            "keys",
            "create",
            "--env",
            "test",
            "--name",
            "x",
            "--type",
            "admin",
            "--expires-in",
            "soon");
    assertThat(badExpiry.exitCode()).isEqualTo(2);
    assertThat(badExpiry.err()).contains("--expires-in");
    Result unknown = api.admin("keys", "revoke", "--env", "test", "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no key 'nope'");
  }
}
