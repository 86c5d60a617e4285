package dev.errand.server.audit;

import dev.errand.server.store.AuditEntry;
import dev.errand.server.store.AuditStore;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Records audited actions: who ({@link Actor}) did what ({@link AuditAction}) to what ({@link
 * AuditTarget}) in which environment, with details (a JSON object; never secret values, never
 * payloads). {@link #around} records in the same transaction as the action's store write; {@link
 * #record} right after an action that already succeeded. Thread-safe.
 */
public final class AuditLog {
  private final AuditStore store;

  public AuditLog(AuditStore store) {
    this.store = store;
  }

  /** Appends a row for an action that has already succeeded, in a transaction of its own. */
  public void record(
      UUID environmentId,
      Actor actor,
      AuditAction action,
      AuditTarget target,
      String detailsJson,
      String requestId) {
    store.append(entry(environmentId, actor, action, target, detailsJson, requestId));
  }

  /**
   * Runs {@code work} (the action) and appends its row in the same transaction as its store write
   * (see {@link AuditStore#appendWith}); nothing is appended when {@code work} throws.
   */
  public <T> T around(
      UUID environmentId,
      Actor actor,
      AuditAction action,
      AuditTarget target,
      String detailsJson,
      String requestId,
      Supplier<T> work) {
    return store.appendWith(
        entry(environmentId, actor, action, target, detailsJson, requestId), work);
  }

  private static AuditEntry entry(
      UUID environmentId,
      Actor actor,
      AuditAction action,
      AuditTarget target,
      String detailsJson,
      String requestId) {
    return new AuditEntry(
        environmentId,
        actor.type().wireName(),
        actor.id(),
        actor.name(),
        actor.address(),
        action.wireName(),
        target == null ? null : target.type(),
        target == null ? null : target.id(),
        detailsJson,
        requestId);
  }
}
