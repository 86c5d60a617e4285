package dev.errand.cli;

import dev.errand.cli.api.AdminOptions;
import dev.errand.server.auth.AdminToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Where {@code errand server} and {@code errand dev} get the admin token from. */
final class AdminTokens {
  /** The environment variable of the admin token: {@value}. */
  static final String ENV = AdminOptions.ENV;

  /** The file {@code errand dev} keeps its admin token in, in the data dir: {@value}. */
  static final String DEV_FILE = "dev-admin-token";

  private AdminTokens() {}

  /** The token in {@code file}, else $ERRAND_ADMIN_TOKEN, else null (the admin API is off). */
  static String fromFileOrEnvironment(Path file, CommandLine commandLine) {
    String token;
    if (file != null) {
      try {
        token = Files.readString(file).strip();
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            commandLine, "cannot read the admin token file " + file + ": " + e);
      }
    } else {
      String fromEnv = System.getenv(ENV);
      token = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
    }
    if (token != null && token.length() < AdminToken.MIN_LENGTH) {
      throw new CommandLine.ParameterException(
          commandLine,
          "the admin token must have at least "
              + AdminToken.MIN_LENGTH
              + " characters, had "
              + token.length());
    }
    return token;
  }

  /** $ERRAND_ADMIN_TOKEN, else the token kept in the data dir, else a new one kept there. */
  static String forDev(Path dataDir) throws IOException {
    String fromEnv = System.getenv(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Path file = dataDir.resolve(DEV_FILE);
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    String token = AdminToken.generate();
    DevCommand.writePrivate(file, token);
    return token;
  }
}
