package dev.errand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ErrandCliTest {
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ErrandCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "name a command: dev, server, worker, webhooks, schedules, envvars, audit, keys or"
                + " projects");
  }

  @Test
  void unknownOptionIsAUsageErrorWithoutStackTrace() {
    assertThat(run("dev", "--prot", "1")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unknown option")
        .contains("'--prot'")
        .doesNotContain("\tat ");
  }

  @Test
  void badPortIsAUsageError() {
    assertThat(run("dev", "--port", "http")).isEqualTo(2);
    assertThat(err.toString()).contains("--port");
  }

  @Test
  void serverWithoutStorageSaysWhatToGive() {
    assertThat(run("server")).isEqualTo(2);
    assertThat(err.toString()).contains("--database-url").contains("ERRAND_DATABASE_URL");
  }

  @Test
  void serverWithMalformedDatabaseUrlFailsWithAMessage() {
    assertThat(run("server", "--database-url", "mysql://nope")).isEqualTo(1);
    assertThat(err.toString()).startsWith("errand: ").doesNotContain("\tat ");
  }

  @Test
  void metadataLimitIsAnOptionOfDevAndServerCheckedBeforeStarting() {
    DevCommand devCommand = new DevCommand();
    CommandLine devLine = new CommandLine(devCommand);
    devLine.parseArgs();
    assertThat(devCommand.limits.runLimits(devLine).maxMetadataBytes())
        .isEqualTo(dev.errand.server.engine.RunLimits.DEFAULT_MAX_METADATA_BYTES);
    devLine.parseArgs("--max-metadata-bytes", "4096");
    assertThat(devCommand.limits.runLimits(devLine).maxMetadataBytes()).isEqualTo(4096);

    assertThat(run("dev", "--max-metadata-bytes", "100")).isEqualTo(2);
    assertThat(err.toString())
        .contains("maxMetadataBytes must be from 1024")
        .contains("100")
        .doesNotContain("\tat ");
    assertThat(run("server", "--help")).isZero();
    assertThat(out.toString()).contains("--max-metadata-bytes");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("dev").contains("server").contains("worker");
  }

  @Test
  void devWorkerCanBeTurnedOff() {
    DevCommand on = new DevCommand();
    new CommandLine(on).parseArgs();
    assertThat(on.worker).isTrue();
    DevCommand off = new DevCommand();
    new CommandLine(off).parseArgs("--no-worker", "--port", "0");
    assertThat(off.worker).isFalse();
    assertThat(off.port).isZero();
  }

  @Test
  void devKeyIsKeptInTheDataDir(@TempDir Path dir) throws Exception {
    String first = DevCommand.secretKey(dir);
    assertThat(DevCommand.secretKey(dir)).isEqualTo(first);
    if (System.getenv("ERRAND_SECRET_KEY") == null) {
      assertThat(first).startsWith("ek_dev_");
      assertThat(dev.errand.sdk.ApiKeys.looksValid(first)).isTrue();
      assertThat(Files.readString(dir.resolve(DevCommand.KEY_FILE)).trim()).isEqualTo(first);
    }
  }

  @Test
  void devAdminTokenIsKeptInTheDataDir(@TempDir Path dir) throws Exception {
    String first = AdminTokens.forDev(dir);
    assertThat(AdminTokens.forDev(dir)).isEqualTo(first);
    if (System.getenv(AdminTokens.ENV) == null) {
      assertThat(first).startsWith("eadm_");
      assertThat(Files.readString(dir.resolve(AdminTokens.DEV_FILE)).trim()).isEqualTo(first);
    }
  }

  @Test
  void aServerAdminTokenFileThatIsTooShortIsAUsageError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "short\n");
    assertThat(run("server", "--data-dir", dir.toString(), "--admin-token-file", file.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("at least 16 characters");
  }
}
