package dev.errand.server.store;

import dev.errand.server.store.jdbc.PostgresUrl;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh PostgreSQL databases for tests, on the server named by {@value #URL_VARIABLE} (default
 * {@value #DEFAULT_URL}).
 *
 * <p>When no server answers, tests that ask for a database are skipped (JUnit assumption) with a
 * message saying how to point them at one — except when {@code CI=true}, where they fail, so that
 * CI can never pass by skipping PostgreSQL. Databases created by a test JVM are dropped when it
 * exits, unless {@code ERRAND_TEST_KEEP_DATABASES=true}. Thread-safe.
 */
public final class TestDatabases {

  /** The environment variable naming the test server: {@value}. */
  public static final String URL_VARIABLE = "ERRAND_TEST_DATABASE_URL";

  /** The test server when {@value #URL_VARIABLE} is unset: {@value}. */
  public static final String DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test";

  private static final int CONNECT_TIMEOUT_SECONDS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> CREATED = new CopyOnWriteArrayList<>();
  private static final Object LOCK = new Object();
  private static String unreachable;
  private static boolean checked;
  private static boolean hookInstalled;

  private TestDatabases() {}

  /**
   * Creates a new, empty, randomly named database ({@code errand_t_<random>}) on the test server
   * and returns its {@code postgresql://} URL, ready for {@link Stores#postgres(String)}. Skips the
   * calling test when no server answers (fails it when {@code CI=true}).
   */
  public static String freshPostgresUrl() {
    assumePostgres();
    PostgresUrl admin = adminUrl();
    String name = "errand_t_" + HexFormat.of().formatHex(RANDOM.generateSeed(6));
    try (Connection connection = connect(admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + " on " + admin, e);
    }
    CREATED.add(name);
    installDropHook();
    return admin.withDatabase(name).toUri();
  }

  /**
   * Skips the calling test when the test server does not answer, or fails it when {@code CI=true}.
   */
  public static void assumePostgres() {
    String problem = unreachableReason();
    if (problem == null) {
      return;
    }
    if (isCi()) {
      throw new IllegalStateException(
          problem + " CI=true, so this fails instead of skipping the PostgreSQL tests.");
    }
    Assumptions.abort(problem + " Skipping; start PostgreSQL or set " + URL_VARIABLE + ".");
  }

  /** Whether this is a CI run ({@code CI=true}), where PostgreSQL tests must not be skipped. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The test server's URL (from {@value #URL_VARIABLE} or {@value #DEFAULT_URL}). */
  public static PostgresUrl adminUrl() {
    String url = System.getenv(URL_VARIABLE);
    return PostgresUrl.parse(url == null || url.isBlank() ? DEFAULT_URL : url);
  }

  /** A plain JDBC connection to the database of {@code url}, for tests that inspect it. */
  public static Connection connect(PostgresUrl url) throws SQLException {
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS * 2));
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  private static String unreachableReason() {
    synchronized (LOCK) {
      if (!checked) {
        checked = true;
        PostgresUrl admin = adminUrl();
        try (Connection connection = connect(admin)) {
          connection.isValid(CONNECT_TIMEOUT_SECONDS);
        } catch (SQLException e) {
          unreachable =
              "No PostgreSQL answers at "
                  + admin
                  + " ("
                  + e.getMessage()
                  + ", SQLState "
                  + e.getSQLState()
                  + ").";
        }
      }
      return unreachable;
    }
  }

  private static void installDropHook() {
    synchronized (LOCK) {
      if (hookInstalled || "true".equalsIgnoreCase(System.getenv("ERRAND_TEST_KEEP_DATABASES"))) {
        return;
      }
      hookInstalled = true;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(TestDatabases::dropCreated, "drop-test-databases"));
    }
  }

  private static void dropCreated() {
    try (Connection connection = connect(adminUrl());
        Statement statement = connection.createStatement()) {
      for (String name : CREATED) {
        // FORCE (PostgreSQL 13+) ends sessions a test left open.
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      System.err.println("could not drop test databases " + CREATED + ": " + e.getMessage());
    }
  }
}
