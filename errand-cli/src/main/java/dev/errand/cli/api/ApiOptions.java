package dev.errand.cli.api;

import dev.errand.sdk.ApiKeys;
import dev.errand.sdk.ErrandClient;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --api-url} and {@code --secret-key}, defaulting to {@value ErrandClient#API_URL_ENV} and
 * {@value ErrandClient#SECRET_KEY_ENV} as the SDK's client does. A picocli mixin.
 */
public final class ApiOptions {
  @Option(
      names = "--api-url",
      paramLabel = "URL",
      description = "Server URL (default: $ERRAND_API_URL or http://localhost:3030).")
  String apiUrl;

  @Option(
      names = "--secret-key",
      paramLabel = "KEY",
      description = "The environment's secret key (default: $ERRAND_SECRET_KEY).")
  String secretKey;

  /** A client for the server these options name; a usage error when no secret key is given. */
  public ApiClient client(CommandLine commandLine) {
    String url =
        firstNonBlank(
            apiUrl, System.getenv(ErrandClient.API_URL_ENV), ErrandClient.DEFAULT_API_URL);
    String key = firstNonBlank(secretKey, System.getenv(ErrandClient.SECRET_KEY_ENV), null);
    if (key == null) {
      throw new CommandLine.ParameterException(
          commandLine,
          "give --secret-key or set "
              + ErrandClient.SECRET_KEY_ENV
              + " (`errand dev` prints the development key)");
    }
    try {
      ApiKeys.check(key.trim());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
    return new ApiClient(url, key.trim());
  }

  static String firstNonBlank(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    if (b != null && !b.isBlank()) {
      return b.trim();
    }
    return fallback;
  }
}
