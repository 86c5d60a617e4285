package dev.errand.cli.keys;

import static dev.errand.cli.api.ApiClient.segment;

import picocli.CommandLine.Option;

/** {@code --project} and {@code --environment}: whose keys. A picocli mixin. */
public final class EnvironmentOptions {
  @Option(
      names = "--project",
      paramLabel = "PROJECT",
      defaultValue = "default",
      description = "The project (default: ${DEFAULT-VALUE}).")
  String project;

  @Option(
      names = {"--environment", "--env"},
      paramLabel = "ENV",
      required = true,
      description = "The environment, e.g. dev, staging or prod.")
  String environment;

  /** {@code /api/v1/admin/projects/<project>/environments/<environment>/keys}. */
  String keysPath() {
    return "/api/v1/admin/projects/"
        + segment(project)
        + "/environments/"
        + segment(environment)
        + "/keys";
  }

  /** {@code project/environment}, for messages. */
  String describe() {
    return project + "/" + environment;
  }
}
