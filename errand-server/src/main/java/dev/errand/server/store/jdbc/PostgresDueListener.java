package dev.errand.server.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for due-runs announcements of every server node on the database ({@code LISTEN
 * errand_due}) on a dedicated connection outside the pool, and hands each environment id to the
 * listener. Reconnects with backoff after a failure; announcements missed meanwhile are covered by
 * the claims' polling fallback.
 */
final class PostgresDueListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresDueListener.class);
  private static final int WAIT_MILLIS = 500;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final PostgresUrl url;
  private final Consumer<UUID> listener;
  private final String ownNodeId;
  private volatile boolean closed;
  private final Thread thread;

  PostgresDueListener(PostgresUrl url, String ownNodeId, Consumer<UUID> listener) {
    this.url = url;
    this.ownNodeId = ownNodeId;
    this.listener = listener;
    this.thread = Thread.ofVirtual().name("errand-due-listener").start(this::loop);
  }

  private void loop() {
    Duration backoff = Duration.ofMillis(200);
    while (!closed) {
      try (Connection connection = connect()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + PostgresDialect.DUE_CHANNEL);
        }
        backoff = Duration.ofMillis(200);
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn(
            "listening for due runs failed, reconnecting in {} ms: {}",
            backoff.toMillis(),
            e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /** Hands on another node's announcement ({@code <environment id>/<node id>}); skips our own. */
  private void deliver(String payload) {
    int slash = payload.indexOf('/');
    String environmentId = slash < 0 ? payload : payload.substring(0, slash);
    if (slash >= 0 && payload.substring(slash + 1).equals(ownNodeId)) {
      return;
    }
    try {
      listener.accept(UUID.fromString(environmentId));
    } catch (RuntimeException e) {
      LOG.warn("due-runs announcement '{}' not delivered: {}", environmentId, e.getMessage());
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (url.user() != null) {
      props.setProperty("user", url.user());
    }
    if (url.password() != null) {
      props.setProperty("password", url.password());
    }
    props.setProperty("ApplicationName", "errand-listener");
    return DriverManager.getConnection(url.jdbcUrl(), props);
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
