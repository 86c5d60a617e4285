package dev.errand.cli.api;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --api-url} and {@code --admin-token}, defaulting to {@code $ERRAND_API_URL} and {@value
 * #ENV}. A picocli mixin.
 */
public final class AdminOptions {
  @Option(
      names = "--api-url",
      paramLabel = "URL",
      description = "Server URL (default: $ERRAND_API_URL or http://localhost:3030).")
  String apiUrl;

  /** The environment variable of the admin token: {@value}. */
  public static final String ENV = "ERRAND_ADMIN_TOKEN";

  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description = "The server's admin token (default: $ERRAND_ADMIN_TOKEN).")
  String adminToken;

  /** A client of the admin API; a usage error when no admin token is given. */
  ApiClient client(CommandLine commandLine) {
    String token = ApiOptions.firstNonBlank(adminToken, System.getenv(ENV), null);
    if (token == null) {
      throw new CommandLine.ParameterException(
          commandLine,
          "give --admin-token or set "
              + ENV
              + " (the token the server was started with; `errand dev` prints its own)");
    }
    String url =
        ApiOptions.firstNonBlank(
            apiUrl,
            System.getenv(dev.errand.sdk.ErrandClient.API_URL_ENV),
            dev.errand.sdk.ErrandClient.DEFAULT_API_URL);
    return new ApiClient(url, token);
  }
}
