package dev.errand.cli.projects;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand projects}: projects and their environments, through the admin API. */
@Command(
    name = "projects",
    mixinStandardHelpOptions = true,
    description = {
      "Creates and lists projects and their environments through the admin API.",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --admin-token (default $ERRAND_ADMIN_TOKEN) and --json (print the API's JSON)."
    },
    subcommands = {
      ProjectCommands.Create.class,
      ProjectCommands.List.class,
      ProjectCommands.AddEnvironment.class
    })
public final class ProjectsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: create, list or add-environment");
  }
}
