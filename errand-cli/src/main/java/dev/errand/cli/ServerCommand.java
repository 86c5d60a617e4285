package dev.errand.cli;

import dev.errand.sdk.ApiKeys;
import dev.errand.sdk.ErrandClient;
import dev.errand.server.ErrandServer;
import dev.errand.server.api.ApiLimits;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.engine.RunLimits;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code errand server}: the server alone, on PostgreSQL or the embedded store. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Errand server alone.",
      "On PostgreSQL with --database-url (or $ERRAND_DATABASE_URL), else on the embedded store in --data-dir.",
      "The master key (secrets are encrypted under it) comes from --master-key-file,"
          + " $ERRAND_MASTER_KEY_FILE or $ERRAND_MASTER_KEY; required on PostgreSQL, generated into"
          + " the data dir on the embedded store."
    },
    subcommands = {MasterKeyCommands.Generate.class, MasterKeyCommands.Rotate.class})
final class ServerCommand implements Callable<Integer> {
  static final String DATABASE_URL_ENV = "ERRAND_DATABASE_URL";
  static final String TRUSTED_PROXIES_ENV = "ERRAND_TRUSTED_PROXIES";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin LimitOptions limits = new LimitOptions();

  @Option(names = "--database-url", description = "postgresql://user:password@host:5432/database")
  String databaseUrl;

  @Option(
      names = "--data-dir",
      description = "Embedded store directory when no database URL is given.")
  Path dataDir;

  @Option(
      names = "--master-key-file",
      paramLabel = "PATH",
      description = "File holding the master key in base64 (default $ERRAND_MASTER_KEY_FILE).")
  Path masterKeyFile;

  @Option(
      names = "--port",
      defaultValue = "3030",
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--project",
      defaultValue = "default",
      description = "Project of the bootstrap key (default: ${DEFAULT-VALUE}).")
  String project;

  @Option(
      names = "--environment",
      defaultValue = "dev",
      description = "Environment of the bootstrap key (default: ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--trusted-proxy",
      paramLabel = "ADDRESS",
      split = ",",
      description =
          "A reverse proxy's address whose X-Forwarded-For names the client in the audit log"
              + " (repeatable or comma-separated; default $"
              + TRUSTED_PROXIES_ENV
              + ", else none: the header is ignored).")
  java.util.List<String> trustedProxies;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "File holding the admin token, which alone may call the admin API (projects, keys);"
              + " default: $"
              + AdminTokens.ENV
              + ". Without either the admin API is off.")
  Path adminTokenFile;

  @Override
  public Integer call() throws Exception {
    ApiLimits apiLimits = limits.apiLimits(spec.commandLine());
    RunLimits runLimits = limits.runLimits(spec.commandLine());
    checkBootstrapKey(System.getenv(ErrandClient.SECRET_KEY_ENV));
    String url = databaseUrl != null ? databaseUrl : System.getenv(DATABASE_URL_ENV);
    if (url != null && !url.isBlank()) {
      PostgresUrl.parse(url); // a malformed URL is reported before anything else
    }
    MasterKey masterKey = MasterKeys.fromOptionOrEnvironment(masterKeyFile);
    if (masterKey == null && !usesEmbeddedStore(databaseUrl, dataDir)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "no master key: give --master-key-file, or set "
              + MasterKey.FILE_ENV_VAR
              + " or "
              + MasterKey.ENV_VAR
              + " (create one with `errand server generate-master-key --out FILE`)");
    }
    String adminToken = AdminTokens.fromFileOrEnvironment(adminTokenFile, spec.commandLine());
    Store store = openStore(spec.commandLine(), databaseUrl, dataDir);
    ErrandServer server;
    try {
      if (masterKey == null) {
        masterKey = MasterKeys.inDataDir(dataDir);
      }
      server =
          ErrandServer.builder()
              .store(store)
              .masterKey(masterKey)
              .host(host)
              .port(port)
              .apiLimits(apiLimits)
              .runLimits(runLimits)
              .trustedProxies(trustedProxies())
              .adminToken(adminToken)
              .build();
      server.start();
    } catch (Exception e) {
      store.close();
      throw e;
    }
    String key = System.getenv(ErrandClient.SECRET_KEY_ENV);
    boolean generated = key == null || key.isBlank();
    if (generated) {
      key = SecretKeys.generate(environment);
    }
    server.bootstrap(project, environment, key.trim());
    System.out.println(
        "Errand server listening on port "
            + server.port()
            + " (project "
            + project
            + ", environment "
            + environment
            + ")");
    System.out.println(
        adminToken == null
            ? "Admin API off (set "
                + AdminTokens.ENV
                + " or give --admin-token-file to manage keys)"
            : "Admin API on (errand keys, errand projects: --admin-token or $"
                + AdminTokens.ENV
                + ")");
    if (generated) {
      System.out.println(
          "New secret key (shown once; set "
              + ErrandClient.SECRET_KEY_ENV
              + " to reuse one): "
              + key);
    }
    return UntilStopped.await(server);
  }

  private static boolean usesEmbeddedStore(String databaseUrl, Path dataDir) {
    String url = databaseUrl != null ? databaseUrl : System.getenv(DATABASE_URL_ENV);
    return (url == null || url.isBlank()) && dataDir != null;
  }

  /**
   * The PostgreSQL store of {@code databaseUrl} (or {@code $ERRAND_DATABASE_URL}), else the
   * embedded store in {@code dataDir}; a usage error when neither is given.
   */
  static Store openStore(CommandLine commandLine, String databaseUrl, Path dataDir) {
    String url = databaseUrl != null ? databaseUrl : System.getenv(DATABASE_URL_ENV);
    if (url != null && !url.isBlank()) {
      return Stores.postgres(url);
    } else if (dataDir != null) {
      return Stores.embedded(dataDir);
    }
    throw new CommandLine.ParameterException(
        commandLine,
        "give --database-url (or set "
            + DATABASE_URL_ENV
            + ") for PostgreSQL, or --data-dir for the embedded store");
  }

  /** A typo in an {@code ek_} bootstrap key is a usage error, before anything starts. */
  private void checkBootstrapKey(String key) {
    if (key == null || key.isBlank()) {
      return;
    }
    try {
      ApiKeys.check(key.trim());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), ErrandClient.SECRET_KEY_ENV + ": " + e.getMessage());
    }
    if (key.trim().length() < SecretKeys.MIN_CHOSEN_LENGTH) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          ErrandClient.SECRET_KEY_ENV
              + " is too short to be a secret: use at least "
              + SecretKeys.MIN_CHOSEN_LENGTH
              + " random characters, or leave it unset to have a key generated");
    }
  }

  private java.util.List<String> trustedProxies() {
    if (trustedProxies != null && !trustedProxies.isEmpty()) {
      return trustedProxies;
    }
    String env = System.getenv(TRUSTED_PROXIES_ENV);
    if (env == null || env.isBlank()) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(env.split(","))
        .map(String::strip)
        .filter(a -> !a.isEmpty())
        .toList();
  }
}
