package dev.errand.cli.webhooks;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code errand webhooks}: endpoints and their deliveries, through the server's API. */
@Command(
    name = "webhooks",
    mixinStandardHelpOptions = true,
    description = {
      "Manages webhook endpoints and their deliveries through the API.",
      "Every command takes --api-url (default $ERRAND_API_URL or http://localhost:3030),"
          + " --secret-key (default $ERRAND_SECRET_KEY) and --json (print the API's JSON)."
    },
    subcommands = {
      CreateEndpointCommand.class,
      EndpointCommands.List.class,
      EndpointCommands.Get.class,
      EndpointCommands.Update.class,
      EndpointCommands.Enable.class,
      EndpointCommands.Disable.class,
      EndpointCommands.RotateSecret.class,
      EndpointCommands.Delete.class,
      DeliveryCommands.ListDeliveries.class,
      DeliveryCommands.Show.class,
      DeliveryCommands.Replay.class
    })
public final class WebhooksCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: create, list, get, enable, disable, rotate-secret, delete, deliveries,"
            + " delivery or replay");
  }
}
