package dev.errand.server.store.jdbc;

import dev.errand.server.store.Store.QueueLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How many runs a claim may take from a limited queue, read inside the claim's transaction while it
 * holds the queue's turn: the concurrency limit minus the executing runs, and, with a rate limit,
 * the rate minus the starts recorded in the sliding window. A claim records its starts in the same
 * transaction, so the next claim of the queue sees them.
 */
final class QueueAllowance {
  private static final String COUNT_EXECUTING =
      "SELECT COUNT(*) FROM runs WHERE environment_id = ? AND queue = ? AND status = 'EXECUTING'";
  private static final String RECORD_START =
      "INSERT INTO queue_starts (environment_id, queue, started_at) VALUES (?, ?, CURRENT_TIMESTAMP)";

  private final String countStarts;
  private final String pruneStarts;

  QueueAllowance(Dialect dialect) {
    String windowStart = dialect.plusMillis("CURRENT_TIMESTAMP");
    this.countStarts =
        "SELECT COUNT(*) FROM queue_starts WHERE environment_id = ? AND queue = ?"
            + " AND started_at > "
            + windowStart;
    this.pruneStarts =
        "DELETE FROM queue_starts WHERE environment_id = ? AND queue = ? AND started_at <= "
            + windowStart;
  }

  int free(Connection connection, Claim.Request request, String queue, QueueLimits limits)
      throws SQLException {
    long free =
        (long) limits.concurrency() - count(connection, COUNT_EXECUTING, request, queue, null);
    if (limits.rateLimit() != null) {
      long window = -limits.rateWindowMillis();
      try (PreparedStatement ps = connection.prepareStatement(pruneStarts)) {
        ps.setObject(1, request.environmentId());
        ps.setString(2, queue);
        ps.setLong(3, window);
        ps.executeUpdate();
      }
      free =
          Math.min(
              free, limits.rateLimit() - count(connection, countStarts, request, queue, window));
    }
    return (int) Math.max(0, Math.min(free, Integer.MAX_VALUE));
  }

  void recordStarts(
      Connection connection, Claim.Request request, String queue, QueueLimits limits, int started)
      throws SQLException {
    if (limits.rateLimit() == null || started == 0) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(RECORD_START)) {
      for (int i = 0; i < started; i++) {
        ps.setObject(1, request.environmentId());
        ps.setString(2, queue);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long count(
      Connection connection, String sql, Claim.Request request, String queue, Long window)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setObject(1, request.environmentId());
      ps.setString(2, queue);
      if (window != null) {
        ps.setLong(3, window);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
