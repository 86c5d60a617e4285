package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.engine.Queues;
import dev.errand.server.store.QueueRecord;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Queues, {@code /api/v1/queues}: list and read them with their run counts, pause and resume them,
 * override their concurrency limit and reset it.
 */
final class QueueRoutes {
  private static final String QUEUE = "/api/v1/queues/{name}";

  private final Queues queues;
  private final Audit audit;

  QueueRoutes(Queues queues, Audit audit) {
    this.queues = queues;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/api/v1/queues", this::list);
    routes.get(QUEUE, ctx -> json(ctx, queues.get(Bodies.environment(ctx), name(ctx))));
    routes.post(
        QUEUE + "/pause",
        ctx ->
            json(
                ctx,
                queueAction(
                    ctx,
                    AuditAction.QUEUE_PAUSED,
                    null,
                    name -> queues.pause(Bodies.environment(ctx), name))));
    routes.post(
        QUEUE + "/resume",
        ctx ->
            json(
                ctx,
                queueAction(
                    ctx,
                    AuditAction.QUEUE_RESUMED,
                    null,
                    name -> queues.resume(Bodies.environment(ctx), name))));
    routes.post(QUEUE + "/concurrency", this::overrideLimit);
    routes.post(
        QUEUE + "/concurrency/reset",
        ctx ->
            json(
                ctx,
                queueAction(
                    ctx,
                    AuditAction.QUEUE_CONCURRENCY_RESET,
                    null,
                    name -> queues.resetConcurrencyLimit(Bodies.environment(ctx), name))));
    routes.get(ENVIRONMENT_CONCURRENCY, this::environmentLimit);
    routes.post(ENVIRONMENT_CONCURRENCY, this::setEnvironmentLimit);
    routes.post(
        ENVIRONMENT_CONCURRENCY + "/reset",
        ctx -> {
          var env = Bodies.environment(ctx);
          audit.around(
              ctx,
              AuditAction.ENVIRONMENT_CONCURRENCY_RESET,
              AuditTarget.environment(env.slug()),
              null,
              () -> queues.setEnvironmentLimit(env, null));
          environmentLimit(ctx);
        });
  }

  private static final String ENVIRONMENT_CONCURRENCY = "/api/v1/environment/concurrency";

  /** {@code {"limit": n | null, "running": n}}: the environment's cap and its executing runs. */
  private void environmentLimit(Context ctx) {
    var env = Bodies.environment(ctx);
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("limit", queues.environmentLimit(env));
    n.put("running", queues.list(env).stream().mapToLong(QueueRecord::running).sum());
    HttpApi.json(ctx, n);
  }

  /** {@code {"limit": n}}. */
  private void setEnvironmentLimit(Context ctx) {
    var env = Bodies.environment(ctx);
    int limit = limit(Bodies.tree(ctx));
    audit.around(
        ctx,
        AuditAction.ENVIRONMENT_CONCURRENCY_SET,
        AuditTarget.environment(env.slug()),
        Audit.details().put("limit", limit),
        () -> queues.setEnvironmentLimit(env, limit));
    environmentLimit(ctx);
  }

  private void list(Context ctx) {
    ObjectNode body = Json.mapper().createObjectNode();
    var data = body.putArray("data");
    queues.list(Bodies.environment(ctx)).forEach(q -> data.add(node(q)));
    HttpApi.json(ctx, body);
  }

  /** {@code {"limit": n}}. */
  private void overrideLimit(Context ctx) {
    int limit = limit(Bodies.tree(ctx));
    json(
        ctx,
        queueAction(
            ctx,
            AuditAction.QUEUE_CONCURRENCY_OVERRIDDEN,
            Audit.details().put("limit", limit),
            name -> queues.overrideConcurrencyLimit(Bodies.environment(ctx), name, limit)));
  }

  /** Runs a change of the queue named in the path, audited in the change's transaction. */
  private QueueRecord queueAction(
      Context ctx,
      AuditAction action,
      ObjectNode details,
      java.util.function.Function<String, QueueRecord> change) {
    String name = name(ctx);
    return audit.around(ctx, action, AuditTarget.queue(name), details, () -> change.apply(name));
  }

  private static int limit(JsonNode body) {
    JsonNode limit = body.get("limit");
    if (!body.isObject()
        || limit == null
        || !limit.canConvertToInt()
        || !limit.isIntegralNumber()) {
      throw ApiException.badRequest("invalid_request", "send {\"limit\": <a whole number>}");
    }
    return limit.asInt();
  }

  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!Task.ID_PATTERN.matcher(name).matches()) {
      throw new ApiException(404, "queue_not_found", "no queue '" + name + "'");
    }
    return name;
  }

  private static void json(Context ctx, QueueRecord q) {
    HttpApi.json(ctx, node(q));
  }

  private static ObjectNode node(QueueRecord q) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("name", q.name());
    n.put("concurrencyLimit", q.effectiveLimit());
    n.put("declaredConcurrencyLimit", q.concurrencyLimit());
    n.put("concurrencyLimitOverride", q.concurrencyLimitOverride());
    n.put("paused", q.paused());
    n.put("queued", q.queued());
    n.put("running", q.running());
    n.put("waiting", q.waiting());
    n.put("rateLimit", q.rateLimit());
    n.put(
        "rateWindow",
        q.rateWindowMillis() == null
            ? null
            : java.time.Duration.ofMillis(q.rateWindowMillis()).toString());
    n.put("rateLimitPerKey", q.rateLimitPerKey());
    n.put("totalConcurrencyLimit", q.totalConcurrencyLimit());
    n.put("keyCount", q.keyCount());
    var keys = n.putArray("keys");
    for (QueueRecord.KeyCounts k : q.keys()) {
      keys.addObject()
          .put("key", k.key().isEmpty() ? null : k.key())
          .put("queued", k.queued())
          .put("running", k.running())
          .put("waiting", k.waiting());
    }
    return n;
  }
}
