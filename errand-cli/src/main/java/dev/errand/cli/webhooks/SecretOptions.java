package dev.errand.cli.webhooks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a signing secret comes from: {@code --secret-env} or {@code --secret-file} keep it out of
 * shell history; {@code --secret} is there for quick tries. One of them, never printed.
 */
final class SecretOptions {
  @Option(
      names = "--secret-env",
      paramLabel = "VAR",
      description = "Read the signing secret from environment variable VAR (preferred).")
  String env;

  @Option(
      names = "--secret-file",
      paramLabel = "PATH",
      description = "Read the signing secret from a file (surrounding whitespace is dropped).")
  Path file;

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      description = "The signing secret itself (it lands in your shell history).")
  String value;

  /** The secret; a usage error when the variable is unset or the file unreadable or empty. */
  String resolve(CommandLine commandLine) {
    String secret;
    String from;
    if (env != null) {
      secret = System.getenv(env);
      from = "environment variable " + env;
      if (secret == null) {
        throw new CommandLine.ParameterException(commandLine, from + " is not set");
      }
    } else if (file != null) {
      from = "secret file " + file;
      try {
        secret = Files.readString(file);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(commandLine, "cannot read the " + from + ": " + e);
      }
    } else {
      secret = value;
      from = "--secret";
    }
    secret = secret == null ? "" : secret.strip();
    if (secret.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine, "the " + from + " is empty");
    }
    return secret;
  }
}
