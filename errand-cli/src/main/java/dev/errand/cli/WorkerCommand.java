package dev.errand.cli;

import dev.errand.examples.ExampleTasks;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code errand worker}: a worker with the example tasks. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Runs a worker with the example tasks against a server.")
final class WorkerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--api-url",
      description = "Server URL (default: $ERRAND_API_URL or http://localhost:3030).")
  String apiUrl;

  @Option(names = "--secret-key", description = "Secret key (default: $ERRAND_SECRET_KEY).")
  String secretKey;

  @Option(
      names = "--max-concurrency",
      defaultValue = "100",
      description = "Runs at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Override
  public Integer call() throws Exception {
    String url =
        firstNonBlank(
            apiUrl, System.getenv(ErrandClient.API_URL_ENV), ErrandClient.DEFAULT_API_URL);
    String key = firstNonBlank(secretKey, System.getenv(ErrandClient.SECRET_KEY_ENV), null);
    if (key == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give --secret-key or set " + ErrandClient.SECRET_KEY_ENV);
    }
    ErrandClient client = ErrandClient.builder().apiUrl(url).secretKey(key).build();
    ErrandWorker worker =
        ErrandWorker.builder()
            .client(client)
            .register(ExampleTasks.all().toArray(Task<?, ?>[]::new))
            .maxConcurrency(maxConcurrency)
            .build();
    worker.start();
    return UntilStopped.await(worker);
  }

  private static String firstNonBlank(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    if (b != null && !b.isBlank()) {
      return b;
    }
    return fallback;
  }
}
