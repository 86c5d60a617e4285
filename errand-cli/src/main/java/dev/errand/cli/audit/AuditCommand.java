package dev.errand.cli.audit;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand audit}: the environment's audit log, through the server's API. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the environment's audit log: who did what, to what, when and from where.",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --secret-key (default $ERRAND_SECRET_KEY) and --json (print the API's JSON)."
    },
    subcommands = {AuditList.class})
public final class AuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: list");
  }
}
