package dev.errand.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditLog;
import dev.errand.server.audit.AuditTarget;
import io.javalin.http.Context;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Recording audited actions from route handlers, one call each: the actor, the environment and the
 * request id come from the request. Details must never hold secret values or payloads.
 */
final class Audit {
  private final AuditLog log;

  Audit(AuditLog log) {
    this.log = log;
  }

  /**
   * Runs the action {@code work} and records it in the same transaction as its store write; records
   * nothing when it throws.
   */
  <T> T around(
      Context ctx, AuditAction action, AuditTarget target, ObjectNode details, Supplier<T> work) {
    return aroundIn(ctx, Bodies.environment(ctx).id(), action, target, details, work);
  }

  /** Like {@link #around}, in the environment {@code environmentId} rather than the caller's. */
  <T> T aroundIn(
      Context ctx,
      UUID environmentId,
      AuditAction action,
      AuditTarget target,
      ObjectNode details,
      Supplier<T> work) {
    return log.around(
        environmentId,
        Actors.from(ctx),
        action,
        target,
        details == null ? "{}" : details.toString(),
        Actors.requestId(ctx),
        work);
  }

  /** Like {@link #around} for an action without a result. */
  void run(Context ctx, AuditAction action, AuditTarget target, ObjectNode details, Runnable work) {
    around(
        ctx,
        action,
        target,
        details,
        () -> {
          work.run();
          return null;
        });
  }

  /** Records an action that has already succeeded, in a transaction of its own. */
  void record(Context ctx, AuditAction action, AuditTarget target, ObjectNode details) {
    recordIn(ctx, Bodies.environment(ctx).id(), action, target, details);
  }

  /**
   * Like {@link #record}, in the environment {@code environmentId} rather than the caller's: for
   * routes that act on an environment named in the request (an admin API).
   */
  void recordIn(
      Context ctx, UUID environmentId, AuditAction action, AuditTarget target, ObjectNode details) {
    log.record(
        environmentId,
        Actors.from(ctx),
        action,
        target,
        details == null ? "{}" : details.toString(),
        Actors.requestId(ctx));
  }

  /** An empty details object to fill. */
  static ObjectNode details() {
    return dev.errand.sdk.internal.Json.mapper().createObjectNode();
  }
}
