package dev.errand.cli.api;

import picocli.CommandLine.Mixin;

/**
 * A command of the admin API ({@code /api/v1/admin}) that prints its answer (see {@link
 * JsonCommand}), authenticated with the server's admin token ({@code --admin-token} or {@code
 * $ERRAND_ADMIN_TOKEN}) instead of an API key.
 */
public abstract class AdminCommand extends JsonCommand {
  @Mixin protected AdminOptions admin;

  @Override
  ApiClient client() {
    return admin.client(spec.commandLine());
  }
}
