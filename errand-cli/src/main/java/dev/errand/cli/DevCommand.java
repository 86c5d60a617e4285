package dev.errand.cli;

import dev.errand.examples.ExampleTasks;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code errand dev}: server, embedded store and a worker with the examples, in one process. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a server on the embedded store and a worker with the example tasks.",
      "Uses $ERRAND_SECRET_KEY as the development key when set, else one kept in the data dir.",
      "Uses $ERRAND_ADMIN_TOKEN as the admin token when set, else one kept in the data dir.",
      "Keeps its master key (secrets are encrypted under it) in the data dir, file master-key,"
          + " generated on first start."
    })
final class DevCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin LimitOptions limits = new LimitOptions();
  static final String KEY_FILE = "dev-secret-key";

  @Option(
      names = "--port",
      description = "HTTP port (default: ${DEFAULT-VALUE}).",
      defaultValue = "3030")
  int port;

  @Option(
      names = "--host",
      description = "Interface to listen on (default: ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--data-dir",
      description = "Where the embedded store keeps its data (default: ${DEFAULT-VALUE}).",
      defaultValue = ".errand")
  Path dataDir;

  @Option(
      names = "--worker",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Run a worker with the example tasks (default: on; --no-worker: off).")
  boolean worker;

  @Override
  public Integer call() throws Exception {
    var apiLimits = limits.apiLimits(spec.commandLine());
    var runLimits = limits.runLimits(spec.commandLine());
    Files.createDirectories(dataDir);
    String key = secretKey(dataDir);
    String adminToken = AdminTokens.forDev(dataDir);
    ErrandServer server =
        ErrandServer.builder()
            .store(Stores.embedded(dataDir))
            .masterKey(MasterKeys.inDataDir(dataDir))
            .host(host)
            .port(port)
            .adminToken(adminToken)
            .apiLimits(apiLimits)
            .runLimits(runLimits)
            .build();
    ErrandWorker exampleWorker = null;
    try {
      server.start();
      server.bootstrap("default", "dev", key);
      String url = "http://localhost:" + server.port();
      if (worker) {
        ErrandClient client = ErrandClient.builder().apiUrl(url).secretKey(key).build();
        exampleWorker =
            ErrandWorker.builder()
                .client(client)
                .register(ExampleTasks.all().toArray(dev.errand.sdk.Task<?, ?>[]::new))
                .build();
        exampleWorker.start();
      }
      banner(url, key, adminToken);
      return UntilStopped.await(exampleWorker, server);
    } catch (RuntimeException e) {
      if (exampleWorker != null) {
        exampleWorker.close();
      }
      server.close();
      throw e;
    }
  }

  private void banner(String url, String key, String adminToken) {
    PrintWriter out = new PrintWriter(System.out, true);
    out.println();
    out.println("  Errand dev server is running");
    out.println("  API URL:     " + url);
    out.println("  Secret key:  " + key + "  (admin key of environment dev)");
    out.println("  Admin token: " + adminToken + "  (errand keys, errand projects)");
    out.println("  Data:        " + dataDir.toAbsolutePath());
    out.println();
    out.println(
        "  export ERRAND_API_URL="
            + url
            + " ERRAND_SECRET_KEY="
            + key
            + " "
            + AdminTokens.ENV
            + "="
            + adminToken);
    out.println("  curl -s -X POST " + url + "/api/v1/tasks/process-order/trigger \\");
    out.println(
        "    -H \"Authorization: Bearer $ERRAND_SECRET_KEY\" -H 'Content-Type: application/json' \\");
    out.println("    -d '{\"payload\":{\"orderId\":\"o1\",\"amountCents\":1299}}'");
    out.println();
  }

  /** $ERRAND_SECRET_KEY, else the key kept in the data dir, else a new one kept there. */
  static String secretKey(Path dataDir) throws IOException {
    String fromEnv = System.getenv(ErrandClient.SECRET_KEY_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    Path file = dataDir.resolve(KEY_FILE);
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    String key = SecretKeys.generate("dev");
    writePrivate(file, key);
    return key;
  }

  /** Writes a secret to a file only its owner may read. */
  static void writePrivate(Path file, String secret) throws IOException {
    // created owner-only before the secret is written, so it is never readable by others
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: permissions stay as created
    }
    Files.writeString(file, secret + "\n");
  }
}
