package dev.errand.server.store;

import dev.errand.server.store.jdbc.JdbcStore;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.nio.file.Path;

/**
 * Opens the {@link Store}s Errand ships: PostgreSQL for production, and an embedded H2 database in
 * a directory for trying Errand out and for tests. Opening migrates the schema to the current
 * version. Thread-safe.
 */
public final class Stores {

  /** Connections in a PostgreSQL store's pool unless stated: {@value}. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** Connections in the embedded store's pool: {@value}. */
  public static final int EMBEDDED_POOL_SIZE = 10;

  private Stores() {}

  /**
   * A store on the PostgreSQL database at {@code url}, with {@value #DEFAULT_POOL_SIZE}
   * connections.
   *
   * @param url {@code postgresql://user:password@host:port/database?param=value}; {@code
   *     postgres://} and {@code jdbc:postgresql://} work too
   * @throws IllegalArgumentException when the URL breaks that rule (the message masks the password)
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static Store postgres(String url) {
    return postgres(url, DEFAULT_POOL_SIZE);
  }

  /** Like {@link #postgres(String)}, with {@code poolSize} connections (at least 1). */
  public static Store postgres(String url, int poolSize) {
    return JdbcStore.postgres(PostgresUrl.parse(url), poolSize);
  }

  /**
   * The embedded store: an H2 database in {@code dataDir} (created if missing), which survives
   * restarts. One process at a time may open a directory.
   *
   * @throws StoreException when the database cannot be opened (for example, another process has it
   *     open) or migrated
   */
  public static Store embedded(Path dataDir) {
    return JdbcStore.embedded(dataDir, EMBEDDED_POOL_SIZE);
  }
}
