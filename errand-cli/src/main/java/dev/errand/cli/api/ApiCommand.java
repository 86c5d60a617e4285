package dev.errand.cli.api;

import picocli.CommandLine.Mixin;

/**
 * A command that makes one API call with an environment's API key ({@code --secret-key} or {@code
 * $ERRAND_SECRET_KEY}) and prints its answer (see {@link JsonCommand}).
 */
public abstract class ApiCommand extends JsonCommand {
  @Mixin protected ApiOptions api;

  @Override
  ApiClient client() {
    return api.client(spec.commandLine());
  }
}
