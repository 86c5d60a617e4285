package dev.errand.sdk;

import java.time.Instant;

/**
 * Filter and paging for {@link AuditLog#list}; {@code null} fields do not filter.
 *
 * <pre>{@code
 * AuditPage page = client.audit().list(AuditQuery.ALL.withAction("run.canceled").withLimit(50));
 * }</pre>
 *
 * @param action only this action, such as {@code run.canceled} (see docs/api.md for the list)
 * @param actorId only rows of the actor with this id (for an API key, the key's id)
 * @param actorName only rows of the actor with this name (for an API key, its prefix)
 * @param targetType only rows whose target has this type, such as {@code run}
 * @param targetId only rows whose target has this id
 * @param since only rows recorded at or after this instant
 * @param until only rows recorded before this instant
 * @param limit page size, 1 to 100 (server default 25)
 * @param cursor the {@code nextCursor} of the previous page
 */
public record AuditQuery(
    String action,
    String actorId,
    String actorName,
    String targetType,
    String targetId,
    Instant since,
    Instant until,
    Integer limit,
    String cursor) {

  /** Every row of the environment, the first page. */
  public static final AuditQuery ALL =
      new AuditQuery(null, null, null, null, null, null, null, null, null);

  public AuditQuery withAction(String a) {
    return new AuditQuery(a, actorId, actorName, targetType, targetId, since, until, limit, cursor);
  }

  public AuditQuery withActorId(String a) {
    return new AuditQuery(action, a, actorName, targetType, targetId, since, until, limit, cursor);
  }

  public AuditQuery withActorName(String a) {
    return new AuditQuery(action, actorId, a, targetType, targetId, since, until, limit, cursor);
  }

  public AuditQuery withTarget(String type, String id) {
    return new AuditQuery(action, actorId, actorName, type, id, since, until, limit, cursor);
  }

  public AuditQuery withSince(Instant s) {
    return new AuditQuery(
        action, actorId, actorName, targetType, targetId, s, until, limit, cursor);
  }

  public AuditQuery withUntil(Instant u) {
    return new AuditQuery(
        action, actorId, actorName, targetType, targetId, since, u, limit, cursor);
  }

  public AuditQuery withLimit(int l) {
    return new AuditQuery(
        action, actorId, actorName, targetType, targetId, since, until, l, cursor);
  }

  public AuditQuery withCursor(String c) {
    return new AuditQuery(action, actorId, actorName, targetType, targetId, since, until, limit, c);
  }
}
