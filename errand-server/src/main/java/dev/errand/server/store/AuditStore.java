package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The audit log (part of a {@link Store}): append-only, so there is no method that changes or
 * removes a row (PostgreSQL also refuses it with triggers). Thread-safe.
 */
public interface AuditStore {

  /** Appends {@code entry} in a transaction of its own. */
  void append(AuditEntry entry);

  /**
   * Runs {@code action} on this thread and appends {@code entry} in the same transaction as the
   * store write the action makes, so that there is no action without its row and no row without its
   * action. Store writes that can be audited this way: inserting runs (single, batch, debounce,
   * replay; the ids of the runs it created are added to the details as {@code runIds}), cancel,
   * manual retry, schedule update and delete, webhook endpoint create, update, secret rotation and
   * delete, queue pause and limit override, the environment's concurrency limit and completing a
   * waitpoint token. When the action makes no such write but returns normally, the entry is
   * appended on its own right after it; when it throws, nothing is appended.
   */
  <T> T appendWith(AuditEntry entry, Supplier<T> action);

  /** The environment's rows matching {@code filter}, newest (highest id) first, at most limit. */
  List<AuditRecord> list(UUID environmentId, Filter filter, int limit);

  /**
   * Filters of {@link #list}; null fields do not filter. {@code since} is inclusive, {@code until}
   * exclusive; {@code beforeId} is the cursor (rows with a lower id).
   */
  record Filter(
      String action,
      String actorId,
      String actorName,
      String targetType,
      String targetId,
      Instant since,
      Instant until,
      Long beforeId) {
    /** No filter. */
    public static final Filter NONE = new Filter(null, null, null, null, null, null, null, null);
  }
}
