package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.secret.EnvVars;
import dev.errand.server.store.EnvVarRecord;
import dev.errand.server.store.Store.Environment;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Environment variables, {@code /api/v1/envvars/{env}[/{name}]}: set (PUT), list names (GET),
 * delete. Values go in and never come out: workers receive them through the worker protocol.
 */
final class EnvVarRoutes {
  private static final String VARS = "/api/v1/envvars/{env}";
  private static final String VAR = VARS + "/{name}";

  private final EnvVars envVars;
  private final Audit audit;

  EnvVarRoutes(EnvVars envVars, Audit audit) {
    this.envVars = envVars;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.put(VAR, this::set);
    routes.get(VARS, this::list);
    routes.delete(VAR, this::delete);
  }

  /**
   * The environment {@code slug} names, if the caller may address it. Today a secret key belongs to
   * one environment and may address only that one; any other slug is unknown to it (404, also when
   * it exists elsewhere, so that keys cannot probe for environments).
   */
  static Environment environmentOf(Context ctx, String slug) {
    Environment caller = Bodies.environment(ctx);
    if (!caller.slug().equals(slug)) {
      throw new ApiException(
          404,
          "environment_not_found",
          "no environment '" + slug + "' for this key (it addresses '" + caller.slug() + "')");
    }
    return caller;
  }

  private void set(Context ctx) {
    Environment env = environmentOf(ctx, ctx.pathParam("env"));
    String name = name(ctx);
    JsonNode body = Bodies.tree(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_request", "the body must be {\"value\": \"...\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("value")) {
                throw ApiException.badRequest(
                    "invalid_envvar", "unknown field '" + f + "' (known: value)");
              }
            });
    JsonNode value = body.get("value");
    if (value == null || !value.isTextual()) {
      throw ApiException.badRequest("invalid_envvar", "value: required, a string");
    }
    boolean created;
    try {
      created = envVars.set(env, name, value.textValue());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_envvar", e.getMessage());
    }
    // after success, in its own transaction; the name only, never the value
    audit.record(
        ctx,
        AuditAction.ENVVAR_SET,
        AuditTarget.envvar(name),
        Audit.details().put("created", created));
    ctx.status(created ? 201 : 200);
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("environment", env.slug()).put("name", name).put("created", created);
    HttpApi.json(ctx, out);
  }

  private void list(Context ctx) {
    Environment env = environmentOf(ctx, ctx.pathParam("env"));
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("environment", env.slug());
    ArrayNode data = body.putArray("data");
    for (EnvVarRecord r : envVars.list(env)) {
      data.addObject()
          .put("name", r.name())
          .put("createdAt", String.valueOf(r.createdAt()))
          .put("updatedAt", String.valueOf(r.updatedAt()));
    }
    HttpApi.json(ctx, body);
  }

  private void delete(Context ctx) {
    Environment env = environmentOf(ctx, ctx.pathParam("env"));
    String name = name(ctx);
    if (!envVars.delete(env, name)) {
      throw new ApiException(
          404,
          "envvar_not_found",
          "no environment variable " + name + " in environment " + env.slug());
    }
    audit.record(ctx, AuditAction.ENVVAR_DELETED, AuditTarget.envvar(name), null);
    ctx.status(204);
  }

  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    try {
      EnvVars.checkName(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_envvar", e.getMessage());
    }
    return name;
  }
}
