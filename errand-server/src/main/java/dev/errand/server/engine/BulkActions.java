package dev.errand.server.engine;

import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.BulkActionRecord.Filter;
import dev.errand.server.store.BulkActionRecord.Kind;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import java.util.List;
import java.util.UUID;

/**
 * Bulk cancel and bulk replay on behalf of API callers: starting one and reading its progress. The
 * runs an action covers are fixed when it starts; {@link BulkActionProcessor} then works through
 * them in the background, on whichever server node gets there first. Thread-safe.
 */
public final class BulkActions {
  private final Store store;

  BulkActions(Store store) {
    this.store = store;
  }

  /**
   * Starts a bulk action over the runs that match {@code filter} now.
   *
   * @throws EngineException 400 {@code filter_required} for a filter without any field (it would
   *     cover every run), 400 {@code invalid_filter} for an empty time range
   */
  public BulkActionRecord start(Environment env, Kind kind, Filter filter) {
    if (filter.isEmpty()) {
      throw EngineException.badRequest(
          "filter_required",
          "a bulk "
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + " needs a filter with at least one of status, taskIdentifier, tag, from, to");
    }
    if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
      throw EngineException.badRequest(
          "invalid_filter",
          "filter.from must be before filter.to, was " + filter.from() + " to " + filter.to());
    }
    return store.createBulkAction(env.id(), RunIds.next(), kind, filter);
  }

  /**
   * @throws EngineException 404 {@code bulk_action_not_found}
   */
  public BulkActionRecord get(Environment env, UUID actionId) {
    return store
        .findBulkAction(env.id(), actionId)
        .orElseThrow(
            () ->
                EngineException.notFound(
                    "bulk_action_not_found",
                    "no bulk action " + RunIds.formatBulkAction(actionId)));
  }

  /** The environment's bulk actions, newest first, before {@code beforeId} when not null. */
  public List<BulkActionRecord> list(Environment env, UUID beforeId, int limit) {
    return store.listBulkActions(env.id(), beforeId, limit);
  }
}
