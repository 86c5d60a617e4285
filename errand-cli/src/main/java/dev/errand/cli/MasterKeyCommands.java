package dev.errand.cli;

import dev.errand.server.secret.MasterKey;
import dev.errand.server.secret.MasterKeyRotation;
import dev.errand.server.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code errand server generate-master-key} and {@code errand server rotate-master-key}. */
final class MasterKeyCommands {
  private MasterKeyCommands() {}

  @Command(
      name = "generate-master-key",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a new random master key (32 bytes, base64) to a new file readable by its owner"
            + " only.",
        "Give it to the server with --master-key-file or $ERRAND_MASTER_KEY_FILE; keep a copy"
            + " outside the database's backups."
      })
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "The new file.")
    Path out;

    @Override
    public Integer call() throws Exception {
      MasterKey key = MasterKey.generate();
      MasterKeys.write(out, key);
      spec.commandLine()
          .getOut()
          .println("Wrote a new master key to " + out + " (fingerprint " + key.fingerprint() + ")");
      return 0;
    }
  }

  @Command(
      name = "rotate-master-key",
      mixinStandardHelpOptions = true,
      description = {
        "Re-wraps every environment's data key and the waitpoint callback key from the old master"
            + " key to the new one, in one transaction (values stay encrypted under their data"
            + " keys).",
        "Keys already wrapped by the new key are left alone, so it can be run again with the same"
            + " keys (after an interruption, or when a node still running with the old key added"
            + " a data key).",
        "Stop the servers first; start them with the new key afterwards."
      })
  static final class Rotate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--database-url",
        description =
            "postgresql://user:password@host:5432/database (default $ERRAND_DATABASE_URL)")
    String databaseUrl;

    @Option(names = "--data-dir", description = "The embedded store's directory.")
    Path dataDir;

    @Option(
        names = "--old-key-file",
        required = true,
        paramLabel = "PATH",
        description = "The master key the data keys are wrapped with now.")
    Path oldKeyFile;

    @Option(
        names = "--new-key-file",
        required = true,
        paramLabel = "PATH",
        description = "The master key to wrap them with (see generate-master-key).")
    Path newKeyFile;

    @Override
    public Integer call() {
      MasterKey oldKey = MasterKey.fromFile(oldKeyFile);
      MasterKey newKey = MasterKey.fromFile(newKeyFile);
      try (Store store = ServerCommand.openStore(spec.commandLine(), databaseUrl, dataDir)) {
        int rewrapped = MasterKeyRotation.rotate(store, oldKey, newKey);
        spec.commandLine()
            .getOut()
            .println(
                "Re-wrapped "
                    + rewrapped
                    + " data key(s) (and the waitpoint callback key, if any) from master key "
                    + oldKey.fingerprint()
                    + " to "
                    + newKey.fingerprint()
                    + ". Start the servers with the new key.");
      } catch (Exception e) {
        if (e instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e);
      }
      return 0;
    }
  }
}
