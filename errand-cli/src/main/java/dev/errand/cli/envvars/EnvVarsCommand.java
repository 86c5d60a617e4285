package dev.errand.cli.envvars;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand envvars}: an environment's secret variables, through the server's API. */
@Command(
    name = "envvars",
    mixinStandardHelpOptions = true,
    description = {
      "Manages an environment's variables (secrets, encrypted at rest; workers read them with"
          + " ctx.env(NAME)).",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --secret-key (default $ERRAND_SECRET_KEY) and --json (print the API's JSON)."
    },
    subcommands = {
      EnvVarCommands.Set.class,
      EnvVarCommands.List.class,
      EnvVarCommands.Delete.class
    })
public final class EnvVarsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: set, list or delete");
  }
}
