package dev.errand.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL: gives the hot tables their first planner statistics as soon as they hold some rows,
 * instead of waiting for autovacuum (up to a minute, and longer on a busy server). A table that was
 * never analyzed has no statistics, and the planner guesses: a fresh installation under a burst of
 * runs then plans a limited queue's key scan over the wrong index, and its claims become hundreds
 * of times slower until autovacuum gets there. Once a table has statistics, autovacuum keeps them
 * fresh and this class never looks at it again. Several nodes may run it together: one takes a
 * transaction-scoped advisory lock and the others skip the round.
 */
final class FirstStatistics {

  /** Tables whose plans depend on statistics: the claim's and the completions'. */
  static final List<String> TABLES = List.of("runs", "attempts", "run_steps", "queue_starts");

  /** Rows changed since the table was created before it is worth analyzing: {@value}. */
  static final int MIN_CHANGED_ROWS = 1_000;

  private static final String STATE =
      "SELECT relname, last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL,"
          + " n_mod_since_analyze FROM pg_stat_user_tables"
          + " WHERE schemaname = current_schema() AND relname = ANY(?)";

  private final Database database;
  private final Set<String> done = ConcurrentHashMap.newKeySet();

  FirstStatistics(Database database) {
    this.database = database;
  }

  /** Analyzes the tables that have enough rows and no statistics yet; returns them. */
  List<String> analyzeNewTables() {
    if (done.size() == TABLES.size()) {
      return List.of();
    }
    List<String> waiting = TABLES.stream().filter(t -> !done.contains(t)).toList();
    return database.transaction(
        "analyze new tables",
        connection -> {
          List<String> due = new ArrayList<>();
          try (PreparedStatement ps = connection.prepareStatement(STATE)) {
            ps.setArray(1, RunRows.textArray(connection, waiting));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (rs.getBoolean(2)) {
                  done.add(rs.getString(1)); // analyzed by another node, autovacuum or a person
                } else if (rs.getLong(3) >= MIN_CHANGED_ROWS) {
                  due.add(rs.getString(1));
                }
              }
            }
          }
          if (due.isEmpty() || !tryLock(connection)) {
            return List.<String>of();
          }
          List<String> analyzed = new ArrayList<>();
          try (Statement statement = connection.createStatement()) {
            for (String table : due) {
              statement.execute("ANALYZE " + table); // names from TABLES only
              analyzed.add(table);
            }
          }
          done.addAll(analyzed);
          return analyzed;
        });
  }

  private static boolean tryLock(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement ps =
            connection.prepareStatement(
                "SELECT pg_try_advisory_xact_lock(hashtextextended('errand-first-statistics', 0))");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
