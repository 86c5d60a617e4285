package dev.errand.cli;

import dev.errand.cli.audit.AuditCommand;
import dev.errand.cli.envvars.EnvVarsCommand;
import dev.errand.cli.keys.KeysCommand;
import dev.errand.cli.projects.ProjectsCommand;
import dev.errand.cli.schedules.SchedulesCommand;
import dev.errand.cli.webhooks.WebhooksCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code errand} command. */
@Command(
    name = "errand",
    mixinStandardHelpOptions = true,
    version = "errand 0.1.0-SNAPSHOT",
    description = "Durable background tasks for Java.",
    subcommands = {
      DevCommand.class,
      ServerCommand.class,
      WorkerCommand.class,
      WebhooksCommand.class,
      SchedulesCommand.class,
      EnvVarsCommand.class,
      AuditCommand.class,
      KeysCommand.class,
      ProjectsCommand.class
    })
public final class ErrandCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: dev, server, worker, webhooks, schedules, envvars, audit, keys or"
            + " projects");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Errand's error handling: messages, not stack traces. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ErrandCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("errand: " + CliErrors.describe(e));
          return 1;
        });
    return cli;
  }
}
