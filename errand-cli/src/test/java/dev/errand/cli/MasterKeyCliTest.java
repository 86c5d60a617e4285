package dev.errand.cli;

import static dev.errand.cli.CliServer.ok;
import static dev.errand.cli.CliServer.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.errand.cli.CliServer.Result;
import dev.errand.sdk.internal.KnownSecrets;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.secret.MasterKeyMismatchException;
import dev.errand.server.secret.Secrets;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Master keys from the command line: generation, the dev data dir, rotation, refusals. */
class MasterKeyCliTest {
  @TempDir Path dir;

  @Test
  void generatesAKeyFileReadableByItsOwnerOnlyAndNeverOverwritesOne() throws Exception {
    Path file = dir.resolve("keys/master.key");
    Result generated = ok(run("server", "generate-master-key", "--out", file.toString()));
    MasterKey key = MasterKey.fromFile(file);
    assertThat(generated.out()).contains(key.fingerprint()).doesNotContain(key.toBase64());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Result again = run("server", "generate-master-key", "--out", file.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("exists: a master key is never overwritten");
    assertThat(MasterKey.fromFile(file).fingerprint()).isEqualTo(key.fingerprint());
  }

  @Test
  void theDataDirKeepsOneKeyAcrossStarts() throws Exception {
    MasterKey first = MasterKeys.inDataDir(dir);
    MasterKey second = MasterKeys.inDataDir(dir);
    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(MasterKeys.DATA_DIR_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void aServerOnPostgresWithoutAMasterKeyRefusesToStart() {
    Result refused =
        run("server", "--database-url", "postgresql://postgres@127.0.0.1:1/none", "--port", "0");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains("no master key")
        .contains("--master-key-file")
        .contains("ERRAND_MASTER_KEY");
  }

  @Test
  void rotationRewrapsTheDataKeysAndAServerWithTheOldKeyRefusesToStart() throws Exception {
    Path data = dir.resolve("data");
    Path oldFile = dir.resolve("old.key");
    Path newFile = dir.resolve("new.key");
    ok(run("server", "generate-master-key", "--out", oldFile.toString()));
    ok(run("server", "generate-master-key", "--out", newFile.toString()));
    MasterKey oldKey = MasterKey.fromFile(oldFile);
    MasterKey newKey = MasterKey.fromFile(newFile);
    try (Store store = Stores.embedded(data)) {
      Secrets secrets = new Secrets(store, oldKey);
      secrets.start();
      Environment env = store.ensureEnvironment("default", "dev");
      secrets.envVars().set(env, "STRIPE_KEY", "sk_rotation_value_1");
    }

    Result rotated =
        ok(
            run(
                "server",
                "rotate-master-key",
                "--data-dir",
                data.toString(),
                "--old-key-file",
                oldFile.toString(),
                "--new-key-file",
                newFile.toString()));
    assertThat(rotated.out()).contains("Re-wrapped 1 data key(s)").contains(newKey.fingerprint());

    Result again =
        ok(
            run(
                "server",
                "rotate-master-key",
                "--data-dir",
                data.toString(),
                "--old-key-file",
                oldFile.toString(),
                "--new-key-file",
                newFile.toString()));
    assertThat(again.out()).as("a repeated rotation has nothing left").contains("Re-wrapped 0");

    Path otherFile = dir.resolve("other.key");
    ok(run("server", "generate-master-key", "--out", otherFile.toString()));
    Result wrongOld =
        run(
            "server",
            "rotate-master-key",
            "--data-dir",
            data.toString(),
            "--old-key-file",
            otherFile.toString(),
            "--new-key-file",
            oldFile.toString());
    assertThat(wrongOld.exitCode()).isEqualTo(1);
    assertThat(wrongOld.err())
        .contains("the master key does not match the one that wrapped the data keys");

    try (Store store = Stores.embedded(data)) {
      Secrets secrets = new Secrets(store, newKey);
      secrets.start();
      Environment env = store.ensureEnvironment("default", "dev");
      assertThat(secrets.envVars().snapshot(env).values())
          .containsEntry("STRIPE_KEY", "sk_rotation_value_1");
      assertThatThrownBy(() -> new Secrets(store, oldKey).start())
          .isInstanceOf(MasterKeyMismatchException.class);
    }

    Result stale =
        run(
            "server",
            "--data-dir",
            data.toString(),
            "--master-key-file",
            oldFile.toString(),
            "--port",
            "0");
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.err())
        .contains("the master key does not match the one that wrapped the data keys");
  }

  @Test
  void theServersLogPatternRedactsKnownSecretsInMessagesAndStackTraces() {
    KnownSecrets.addAll(List.of("logback-secret-value-77"));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
    var layout = ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            root,
            Level.ERROR,
            "request failed with {}",
            new IllegalStateException(
                "outer logback-secret-value-77",
                new RuntimeException("cause logback-secret-value-77")),
            new Object[] {"logback-secret-value-77"});
    String line = layout.doLayout(event);
    assertThat(line)
        .contains("request failed with [redacted]")
        .contains("outer [redacted]")
        .contains("cause [redacted]")
        .contains("\tat ")
        .doesNotContain("logback-secret-value-77");
  }
}
