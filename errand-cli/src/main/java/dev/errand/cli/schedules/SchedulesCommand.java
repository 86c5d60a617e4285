package dev.errand.cli.schedules;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand schedules}: schedules made at run time, through the server's API. */
@Command(
    name = "schedules",
    mixinStandardHelpOptions = true,
    description = {
      "Manages schedules (cron, time zone, the task each tick runs) through the API.",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --secret-key (default $ERRAND_SECRET_KEY) and --json (print the API's JSON)."
    },
    subcommands = {
      ScheduleCommands.Create.class,
      ScheduleCommands.List.class,
      ScheduleCommands.Get.class,
      ScheduleCommands.Update.class,
      ScheduleCommands.Delete.class,
      ScheduleCommands.Activate.class,
      ScheduleCommands.Deactivate.class,
      ScheduleCommands.Timezones.class
    })
public final class SchedulesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: create, list, get, update, delete, activate, deactivate or timezones");
  }
}
