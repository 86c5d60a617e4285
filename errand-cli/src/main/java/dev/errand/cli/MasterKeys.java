package dev.errand.cli;

import dev.errand.server.secret.MasterKey;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the {@code errand} command finds a master key, and how it writes one. */
final class MasterKeys {
  /** The master key file {@code errand dev} keeps in its data dir: {@value}. */
  static final String DATA_DIR_FILE = "master-key";

  private MasterKeys() {}

  /**
   * The master key from {@code file} if given, else {@code $ERRAND_MASTER_KEY_FILE}, else {@code
   * $ERRAND_MASTER_KEY}; null when none is given.
   *
   * @throws IllegalArgumentException when the one given is unreadable or not a key
   */
  static MasterKey fromOptionOrEnvironment(Path file) {
    if (file != null) {
      return MasterKey.fromFile(file);
    }
    String fileEnv = System.getenv(MasterKey.FILE_ENV_VAR);
    if (fileEnv != null && !fileEnv.isBlank()) {
      return MasterKey.fromFile(Path.of(fileEnv.strip()));
    }
    String keyEnv = System.getenv(MasterKey.ENV_VAR);
    if (keyEnv != null && !keyEnv.isBlank()) {
      try {
        return MasterKey.fromBase64(keyEnv);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (in $" + MasterKey.ENV_VAR + ")", e);
      }
    }
    return null;
  }

  /** The key kept in {@code dataDir}, generated there (mode 600) on first use. */
  static MasterKey inDataDir(Path dataDir) throws IOException {
    Path file = dataDir.resolve(DATA_DIR_FILE);
    if (Files.exists(file)) {
      return MasterKey.fromFile(file);
    }
    MasterKey key = MasterKey.generate();
    write(file, key);
    return key;
  }

  /** Writes a key to a new file readable by its owner only; refuses to overwrite one. */
  static void write(Path file, MasterKey key) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: permissions stay as created
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " exists: a master key is never overwritten", e);
    }
    Files.writeString(file, key.toBase64() + "\n");
  }
}
