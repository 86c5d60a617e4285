package dev.errand.server;

import dev.errand.server.api.ApiLimits;
import dev.errand.server.api.HttpApi;
import dev.errand.server.auth.AdminToken;
import dev.errand.server.auth.Administration;
import dev.errand.server.auth.Authenticator;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.engine.Engine;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.engine.RunLimits;
import dev.errand.server.schedule.Scheduling;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.secret.Secrets;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.webhook.Webhooks;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Errand server node: the HTTP API on Jetty, the run engine and its background duties, over one
 * {@link Store}. Several nodes may share a PostgreSQL store.
 *
 * <pre>{@code
 * try (ErrandServer server =
 *     ErrandServer.builder().store(Stores.embedded(dir)).masterKey(key).port(3030).build()) {
 *   server.start();
 *   server.bootstrap("default", "dev", secretKey);
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the HTTP server and the engine, and closes the store.
 */
public final class ErrandServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ErrandServer.class);

  /** The port unless set: {@value}. */
  public static final int DEFAULT_PORT = 3030;

  /** The interface listened on unless set: {@value} (all). */
  public static final String DEFAULT_HOST = "0.0.0.0";

  private final Store store;
  private final Engine engine;
  private final Webhooks webhooks;
  private final Scheduling scheduling;
  private final Secrets secrets;
  private final Javalin http;
  private final boolean closeStore;

  private ErrandServer(Builder b) {
    this.store = b.store;
    this.closeStore = b.closeStore;
    this.secrets = new Secrets(store, b.masterKey);
    this.engine = new Engine(store, b.engineConfig, b.runLimits, secrets.callbackKeys());
    this.webhooks =
        new Webhooks(
            store,
            engine.runs(),
            b.clock == null ? Clock.systemUTC() : b.clock,
            secrets.webhookSeal());
    this.scheduling = new Scheduling(store, engine.runs(), b.engineConfig, b.clock);
    Clock clock = b.clock == null ? Clock.systemUTC() : b.clock;
    Authenticator authenticator = new Authenticator(store, clock);
    HttpApi.Access access =
        new HttpApi.Access(
            authenticator, b.adminToken, new Administration(store.access(), authenticator, clock));
    this.http =
        HttpApi.create(
            store,
            engine,
            webhooks,
            scheduling,
            secrets,
            access,
            b.apiLimits,
            b.host,
            b.port,
            b.trustedProxies);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks the master key against the stored data keys (and seals webhook secrets stored in clear
   * before V20), then starts the engine and the HTTP server; returns once it accepts requests.
   *
   * @throws dev.errand.server.secret.MasterKeyMismatchException when the master key is not the one
   *     that wrapped the stored data keys (nothing is started)
   */
  public ErrandServer start() {
    secrets.start();
    engine.start();
    scheduling.start();
    http.start();
    log.info("Errand server listening on port {}", port());
    return this;
  }

  /** The port the HTTP server listens on (the real one when built with port 0). */
  public int port() {
    return http.port();
  }

  /** {@code http://localhost:<port>}. */
  public String localUrl() {
    return "http://localhost:" + port();
  }

  public Store store() {
    return store;
  }

  /**
   * Makes sure project {@code projectSlug} and its environment exist and that {@code secretKey}
   * authenticates as an {@code admin} key of that environment (named {@code bootstrap-} and 8
   * characters of its hash). Idempotent.
   */
  public Environment bootstrap(String projectSlug, String environmentSlug, String secretKey) {
    Environment env = store.ensureEnvironment(projectSlug, environmentSlug);
    store.ensureApiKey(
        env.id(),
        SecretKeys.hash(secretKey),
        SecretKeys.prefix(secretKey),
        SecretKeys.lastFour(secretKey));
    return env;
  }

  @Override
  public void close() {
    try {
      engine.shutDown();
      http.stop();
      scheduling.close();
      webhooks.close();
    } finally {
      engine.close();
      if (closeStore) {
        store.close();
      }
    }
  }

  /** Builds an {@link ErrandServer}. Not thread-safe. */
  public static final class Builder {
    private Store store;
    private boolean closeStore = true;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private EngineConfig engineConfig = EngineConfig.DEFAULTS;
    private RunLimits runLimits = RunLimits.DEFAULTS;
    private ApiLimits apiLimits = ApiLimits.DEFAULTS;
    private Clock clock;
    private MasterKey masterKey;
    private AdminToken adminToken;
    private Set<String> trustedProxies = Set.of();

    private Builder() {}

    /**
     * The master key that wraps the environments' data keys (environment variables and webhook
     * secrets are sealed under those). Required: kept outside the database (a file or an
     * environment variable), and the same on every node of a store.
     */
    public Builder masterKey(MasterKey masterKey) {
      this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
      return this;
    }

    /**
     * The admin token, which alone may call the admin API ({@code /api/v1/admin/...}: projects,
     * environments, API keys); at least {@value AdminToken#MIN_LENGTH} characters. Default: none,
     * and the admin API answers 403 {@code admin_api_disabled}.
     */
    public Builder adminToken(String adminToken) {
      this.adminToken = adminToken == null ? null : AdminToken.of(adminToken);
      return this;
    }

    /**
     * The clock webhook verification (timestamp tolerances, secret grace periods) and schedules
     * (when ticks are due) read; tests pin it. Default: the system clock for webhooks and the
     * database's clock for schedules, so that every node fires ticks by one time. Run due times
     * always come from the database clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The store. Required. The server closes it on {@link #close()}. */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Whether {@link ErrandServer#close()} closes the store. Default true. */
    public Builder closeStore(boolean closeStore) {
      this.closeStore = closeStore;
      return this;
    }

    /** The interface to listen on. Default {@value ErrandServer#DEFAULT_HOST}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one. Default {@value ErrandServer#DEFAULT_PORT}. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Engine timing. Default {@link EngineConfig#DEFAULTS}. */
    public Builder engineConfig(EngineConfig engineConfig) {
      this.engineConfig = Objects.requireNonNull(engineConfig, "engineConfig");
      return this;
    }

    /**
     * Addresses of reverse proxies whose {@code X-Forwarded-For} header names the client in the
     * audit log (exact peer addresses as the server sees them, such as {@code 10.0.0.5}). Default
     * none: the header is ignored and the connection's peer is recorded.
     */
    public Builder trustedProxies(Collection<String> addresses) {
      Objects.requireNonNull(addresses, "addresses");
      for (String a : addresses) {
        if (a == null || a.isBlank() || a.strip().contains(" ")) {
          throw new IllegalArgumentException(
              "trustedProxies must be IP addresses without spaces, got '" + a + "'");
        }
      }
      this.trustedProxies = addresses.stream().map(String::strip).collect(Collectors.toSet());
      return this;
    }

    /** Payload and output size limits. Default {@link RunLimits#DEFAULTS}. */
    public Builder runLimits(RunLimits runLimits) {
      this.runLimits = Objects.requireNonNull(runLimits, "runLimits");
      return this;
    }

    /** API rate and request size limits. Default {@link ApiLimits#DEFAULTS}. */
    public Builder apiLimits(ApiLimits apiLimits) {
      this.apiLimits = Objects.requireNonNull(apiLimits, "apiLimits");
      return this;
    }

    public ErrandServer build() {
      if (store == null) {
        throw new IllegalArgumentException("store must be set");
      }
      if (masterKey == null) {
        throw new IllegalArgumentException(
            "masterKey must be set: secrets are sealed under it (see MasterKey)");
      }
      return new ErrandServer(this);
    }
  }
}
