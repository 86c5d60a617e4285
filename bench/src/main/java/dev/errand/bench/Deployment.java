package dev.errand.bench;

import dev.errand.bench.Options.StoreKind;
import dev.errand.sdk.ErrandClient;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One Errand server on a store of its own, in this JVM, listening on 127.0.0.1 only, with a client
 * for it. PostgreSQL gets a freshly created database ({@code errand_bench_<random>}) that {@link
 * #close()} drops; the embedded store gets a temporary directory that {@link #close()} deletes.
 */
final class Deployment implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ErrandServer server;
  private final ErrandClient client;
  private final String secretKey;
  private final PostgresUrl database;
  private final Runnable cleanup;

  private Deployment(
      ErrandServer server,
      ErrandClient client,
      String secretKey,
      PostgresUrl database,
      Runnable cleanup) {
    this.server = server;
    this.client = client;
    this.secretKey = secretKey;
    this.database = database;
    this.cleanup = cleanup;
  }

  static Deployment start(StoreKind kind, Options options) {
    return start(kind, options, UnaryOperator.identity());
  }

  /** A deployment whose server uses {@code wrap} of the store (to time it, say). */
  static Deployment start(StoreKind kind, Options options, UnaryOperator<Store> wrap) {
    return switch (kind) {
      case POSTGRES -> postgres(options.postgresUrl(), options.poolSize(), wrap);
      case EMBEDDED -> embedded(wrap);
    };
  }

  private static Deployment postgres(String adminUrl, int poolSize, UnaryOperator<Store> wrap) {
    PostgresUrl admin = loopback(PostgresUrl.parse(adminUrl));
    String name = "errand_bench_" + HexFormat.of().formatHex(RANDOM.generateSeed(6));
    execute(admin, "CREATE DATABASE " + name);
    Runnable drop = () -> execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    try {
      PostgresUrl database = admin.withDatabase(name);
      return open(wrap.apply(Stores.postgres(database.toUri(), poolSize)), database, drop);
    } catch (RuntimeException e) {
      drop.run();
      throw e;
    }
  }

  private static Deployment embedded(UnaryOperator<Store> wrap) {
    Path dir;
    try {
      dir = Files.createTempDirectory("errand-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runnable delete = () -> deleteRecursively(dir);
    try {
      return open(wrap.apply(Stores.embedded(dir)), null, delete);
    } catch (RuntimeException e) {
      delete.run();
      throw e;
    }
  }

  private static Deployment open(Store store, PostgresUrl database, Runnable cleanup) {
    ErrandServer server =
        ErrandServer.builder()
            .store(store)
            .masterKey(MasterKey.generate())
            .host("127.0.0.1")
            .port(0)
            .build()
            .start();
    String key = SecretKeys.generate("dev");
    server.bootstrap("default", "dev", key);
    ErrandClient client =
        ErrandClient.builder().apiUrl("http://127.0.0.1:" + server.port()).secretKey(key).build();
    return new Deployment(server, client, key, database, cleanup);
  }

  ErrandClient client() {
    return client;
  }

  /** The server's base URL, such as {@code http://127.0.0.1:41234}. */
  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The environment's secret key, for calls the SDK does not make. */
  String secretKey() {
    return secretKey;
  }

  /**
   * On PostgreSQL, {@code ANALYZE} of the deployment's database, as autovacuum does on its own some
   * time after a table changed (by default it looks once a minute): the planner then sees how many
   * runs wait and in which queues. Returns the seconds it took; 0 on the embedded store, which does
   * nothing.
   */
  double analyze() {
    if (database == null) {
      return 0;
    }
    long start = System.nanoTime();
    execute(database, "ANALYZE");
    return (System.nanoTime() - start) / 1e9;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      cleanup.run();
    }
  }

  /** The PostgreSQL server's version, such as {@code 15.20}, or the reason it is unknown. */
  static String postgresVersion(String adminUrl) {
    try (Connection c = connect(loopback(PostgresUrl.parse(adminUrl)));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException | RuntimeException e) {
      return "unreachable (" + e.getMessage() + ")";
    }
  }

  /** The benchmark talks to this machine only. */
  private static PostgresUrl loopback(PostgresUrl url) {
    String host = url.hosts().replaceFirst(":[0-9]+$", "");
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]")) {
      throw new IllegalArgumentException(
          "the benchmark only talks to a PostgreSQL server on this machine (127.0.0.1, localhost"
              + " or [::1]), was "
              + url);
    }
    return url;
  }

  private static void execute(PostgresUrl url, String sql) {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(PostgresUrl url) throws SQLException {
    Properties p = new Properties();
    if (url.user() != null) {
      p.setProperty("user", url.user());
    }
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
