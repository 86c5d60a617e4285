package dev.errand.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditLog;
import dev.errand.server.auth.AccessException;
import dev.errand.server.auth.AdminToken;
import dev.errand.server.auth.Administration;
import dev.errand.server.auth.Authenticator;
import dev.errand.server.auth.Principal;
import dev.errand.server.engine.Engine;
import dev.errand.server.engine.EngineException;
import dev.errand.server.schedule.Scheduling;
import dev.errand.server.secret.MasterKeyMismatchException;
import dev.errand.server.secret.SecretUnreadableException;
import dev.errand.server.secret.Secrets;
import dev.errand.server.store.Store;
import dev.errand.server.store.StoreException;
import dev.errand.server.webhook.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion layer: Javalin on Jetty 12 with virtual threads, the public REST API ({@code
 * /api/v1/tasks}, {@code /api/v1/runs}, {@code /api/v1/bulk-actions}, {@code /api/v1/webhooks},
 * {@code /api/v1/envvars}, {@code /api/v1/audit}), the worker protocol ({@code /api/v1/workers}),
 * the admin API ({@code /api/v1/admin}, with the admin token), webhook ingestion ({@code
 * /webhooks/{endpointId}}, authenticated by the endpoint's signature instead of an API key) and
 * {@code /healthz}. Every error is {@code {"error":{"code":"...","message":"..."}}}.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  static final String ENVIRONMENT = "errand.environment";
  static final String PRINCIPAL = "errand.principal";

  private static final String ERROR_WRITTEN = "errand.error";

  /** Largest request header block: 32 KiB. */
  public static final int MAX_HEADER_BYTES = 32 * 1024;

  private HttpApi() {}

  /**
   * Creates (does not start) the HTTP server. {@code trustedProxies}: peer addresses whose {@code
   * X-Forwarded-For} names the client (see {@link ClientAddress}); empty: none.
   */
  public static Javalin create(
      Store store,
      Engine engine,
      Webhooks webhooks,
      Scheduling scheduling,
      Secrets secrets,
      Access access,
      ApiLimits limits,
      String host,
      int port,
      Set<String> trustedProxies) {
    AccessCheck accessCheck =
        new AccessCheck(
            access.authenticator(),
            access.adminToken(),
            new ApiRateLimiter(limits),
            new ClientAddress(trustedProxies));
    Audit audit = new Audit(new AuditLog(store.audit()));
    AdminRoutes admin = new AdminRoutes(access.administration(), audit);
    RunRoutes runs = new RunRoutes(engine.runs(), audit);
    BulkActionRoutes bulkActions = new BulkActionRoutes(engine.bulkActions(), audit);
    AuditRoutes auditRoutes = new AuditRoutes(store.audit());
    WorkerRoutes workers =
        new WorkerRoutes(engine.dispatcher(), scheduling.schedules(), secrets.envVars());
    EnvVarRoutes envVars = new EnvVarRoutes(secrets.envVars(), audit);
    ScheduleRoutes schedules = new ScheduleRoutes(scheduling.schedules(), audit);
    WaitpointRoutes waitpoints =
        new WaitpointRoutes(engine.waitpoints(), audit, engine.runLimits());
    QueueRoutes queues = new QueueRoutes(engine.queues(), audit);
    WebhookRoutes webhookRoutes =
        new WebhookRoutes(webhooks.endpoints(), webhooks.ingestion(), audit);
    return Javalin.create(
        config -> {
          config.concurrency.useVirtualThreads = true;
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = limits.maxRequestBytes();
          // webhook senders' headers can be long (several signatures during a rotation): let the
          // verifier judge them instead of Jetty refusing them with 431
          config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEADER_BYTES));
          config.jetty.host = host;
          config.jetty.port = port;
          config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
          config.routes.get("/healthz", ctx -> health(ctx, store));
          config.routes.before("/api/*", accessCheck::handle);
          admin.addTo(config.routes);
          bulkActions.addTo(config.routes); // before runs: /runs/bulk/cancel is no run id
          runs.addTo(config.routes);
          workers.addTo(config.routes);
          waitpoints.addTo(config.routes);
          queues.addTo(config.routes);
          webhookRoutes.addTo(config.routes);
          schedules.addTo(config.routes);
          envVars.addTo(config.routes);
          auditRoutes.addTo(config.routes);
          config.routes.exception(
              ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
          config.routes.exception(
              AccessException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
          config.routes.exception(
              EngineException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) -> error(ctx, e.getStatus(), codeOf(e.getStatus()), e.getMessage()));
          config.routes.exception(
              SecretUnreadableException.class,
              (e, ctx) -> {
                log.error(
                    "secret unreadable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                error(ctx, 500, SecretUnreadableException.CODE, e.getMessage());
              });
          config.routes.exception(
              MasterKeyMismatchException.class,
              (e, ctx) -> {
                log.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                error(ctx, 500, "master_key_mismatch", e.getMessage());
              });
          config.routes.exception(
              StoreException.class,
              (e, ctx) -> {
                log.error("store failure on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 503, "store_unavailable", "the store failed: " + e.getMessage());
              });
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "unexpected " + e.getClass().getSimpleName());
              });
          config.routes.error(
              404,
              "*",
              ctx ->
                  errorIfEmpty(
                      ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path()));
          config.routes.error(
              405,
              "*",
              ctx ->
                  errorIfEmpty(
                      ctx,
                      405,
                      "method_not_allowed",
                      ctx.method() + " is not allowed on " + ctx.path()));
        });
  }

  /** The error code of a status Javalin or Jetty answered on their own. */
  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414, 431 -> "request_too_large";
      default -> "http_" + status;
    };
  }

  /**
   * Who makes the request: the API key (id, name, type, environment) or the admin token, and the
   * client's address. Set on every {@code /api} request but the signed waitpoint callbacks (null
   * there).
   */
  public static Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  /**
   * What the API needs to authenticate and authorize: the key cache, the admin token (null: the
   * admin API is off) and the administration of projects and keys.
   */
  public record Access(
      Authenticator authenticator, AdminToken adminToken, Administration administration) {}

  private static void health(Context ctx, Store store) {
    boolean up = store.isReachable();
    ctx.status(up ? 200 : 503);
    json(ctx, Json.mapper().createObjectNode().put("status", up ? "ok" : "store_unreachable"));
  }

  static void json(Context ctx, Object body) {
    try {
      ctx.contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final ObjectMapper MAPPER = Json.mapper();

  static void error(Context ctx, int status, String code, String message) {
    ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
    ctx.status(status);
    var body = MAPPER.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    json(ctx, body);
  }

  private static void errorIfEmpty(Context ctx, int status, String code, String message) {
    if (ctx.attribute(ERROR_WRITTEN) == null) {
      error(ctx, status, code, message);
    }
  }
}
