package dev.errand.cli.keys;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand keys}: an environment's API keys, through the admin API. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Creates, lists and revokes an environment's API keys through the admin API.",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --admin-token (default $ERRAND_ADMIN_TOKEN) and --json (print the API's JSON)."
    },
    subcommands = {KeyCommands.Create.class, KeyCommands.List.class, KeyCommands.Revoke.class})
public final class KeysCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: create, list or revoke");
  }
}
