package dev.errand.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditLog;
import dev.errand.server.audit.AuditTarget;
import io.javalin.http.Context;
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
    return log.around(
        Bodies.environment(ctx).id(),
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
    log.record(
        Bodies.environment(ctx).id(),
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
