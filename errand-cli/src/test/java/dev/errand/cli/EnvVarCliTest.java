package dev.errand.cli;

import static dev.errand.cli.CliServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code errand envvars} against a real server, with a worker that reads what the CLI set. */
class EnvVarCliTest {
  record Expected(String value) {}

  /** Tells whether CLI_TOKEN is what the test set, without returning the value (it is redacted). */
  static final Task<Expected, Boolean> CHECKS =
      Task.define("checks-token", Expected.class, Boolean.class)
          .run((expected, ctx) -> expected.value().equals(ctx.env("CLI_TOKEN")));

  @TempDir static Path dir;
  private static CliServer api;

  @BeforeAll
  static void start() throws Exception {
    api = new CliServer(dir, CHECKS);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static Result envvars(String... args) {
    return api.command("envvars", args);
  }

  boolean workerSees(String value) {
    ErrandClient client = ErrandClient.builder().apiUrl(api.url()).secretKey(api.secretKey).build();
    Run<Boolean> run =
        client
            .runs()
            .awaitCompletion(client.trigger(CHECKS, new Expected(value)), Duration.ofSeconds(30));
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    return run.output();
  }

  @Test
  void setsFromAFileStdinOrOptionListsAndDeletes() throws Exception {
    Path file = dir.resolve("token.txt");
    Files.writeString(file, "from-file-value-1\n");
    Result created = ok(envvars("set", "test", "CLI_TOKEN", "--value-file", file.toString()));
    assertThat(created.out()).contains("Created CLI_TOKEN in environment test");
    assertThat(workerSees("from-file-value-1")).isTrue();

    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream("from-stdin-value-2\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(ok(envvars("set", "test", "CLI_TOKEN")).out())
          .contains("Updated CLI_TOKEN in environment test");
    } finally {
      System.setIn(stdin);
    }
    assertThat(workerSees("from-stdin-value-2")).isTrue();

    ok(envvars("set", "test", "OTHER_VAR", "--value", "inline-value-3"));
    Result list = ok(envvars("list", "test"));
    assertThat(list.out())
        .contains("NAME")
        .contains("CLI_TOKEN")
        .contains("OTHER_VAR")
        .doesNotContain("from-stdin-value-2")
        .doesNotContain("inline-value-3");
    assertThat(ok(envvars("list", "test", "--json")).json().path("data").findValuesAsText("name"))
        .containsExactly("CLI_TOKEN", "OTHER_VAR");

    assertThat(ok(envvars("delete", "test", "OTHER_VAR")).out())
        .contains("Deleted OTHER_VAR from environment test");
    Result again = envvars("delete", "test", "OTHER_VAR");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("envvar_not_found");
  }

  @Test
  void badInputGivesAClearMessageAndANonZeroExit() {
    Result badName = envvars("set", "test", "lower", "--value", "v");
    assertThat(badName.exitCode()).isEqualTo(1);
    assertThat(badName.err()).contains("invalid_envvar").contains("[A-Z_][A-Z0-9_]*");

    Result otherEnv = envvars("list", "prod");
    assertThat(otherEnv.exitCode()).isEqualTo(1);
    assertThat(otherEnv.err()).contains("environment_not_found");

    Result missingFile =
        envvars("set", "test", "X_VAR", "--value-file", dir.resolve("nope").toString());
    assertThat(missingFile.exitCode()).isEqualTo(2);
    assertThat(missingFile.err()).contains("cannot read the value");

    Result both = envvars("set", "test", "X_VAR", "--value", "a", "--value-env", "HOME");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(envvars("list").exitCode()).isEqualTo(2);
  }
}
