package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.Task;
import dev.errand.server.auth.SecretKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code errand audit list} against a real server on the embedded store. */
class AuditCliTest {
  private static final String TASK = "cli-audited";

  @TempDir static Path dir;
  private static CliServer api;

  @BeforeAll
  static void startServer() throws Exception {
    api =
        new CliServer(dir, Task.define(TASK, ScheduledEvent.class, Void.class).run((e, c) -> null));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void theLogListsWhatTheCliDidWithFilters() throws Exception {
    String id =
        CliServer.ok(
                api.command("schedules", "create", "--task", TASK, "--cron", "0 9 * * *", "--json"))
            .json()
            .path("id")
            .asText();
    CliServer.ok(api.command("schedules", "deactivate", id));

    Result all = CliServer.ok(api.command("audit", "list"));
    assertThat(all.out())
        .contains("TIME", "ACTOR", "ACTION", "TARGET")
        .contains("schedule.created", "schedule.deactivated")
        .contains("api_key bootstrap-" + SecretKeys.hash(api.secretKey).substring(0, 8))
        .contains("schedule " + id);

    Result filtered =
        CliServer.ok(api.command("audit", "list", "--action", "schedule.deactivated", "--json"));
    assertThat(filtered.json().path("data")).hasSize(1);
    assertThat(filtered.json().path("data").path(0).path("target").path("id").asText())
        .isEqualTo(id);

    Result paged = CliServer.ok(api.command("audit", "list", "--limit", "1"));
    assertThat(paged.out()).contains("More: --cursor ");

    Result none = CliServer.ok(api.command("audit", "list", "--target-type", "queue"));
    assertThat(none.out()).contains("No audit rows match.");
  }

  @Test
  void aBadFilterIsAClearErrorAndANonZeroExit() {
    Result bad = api.command("audit", "list", "--action", "run.exploded");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).startsWith("errand: ").contains("action").contains("invalid_query");
    Result badTime = api.command("audit", "list", "--since", "yesterday");
    assertThat(badTime.exitCode()).isEqualTo(1);
    assertThat(badTime.err()).contains("since").contains("HTTP 400");
  }
}
