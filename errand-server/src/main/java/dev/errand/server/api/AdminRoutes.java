package dev.errand.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.audit.AuditAction;
import dev.errand.server.audit.AuditTarget;
import dev.errand.server.auth.Administration;
import dev.errand.server.auth.Administration.CreatedKey;
import dev.errand.server.auth.Principal;
import dev.errand.server.store.AccessStore.ApiKeyRecord;
import dev.errand.server.store.AccessStore.EnvironmentRecord;
import dev.errand.server.store.AccessStore.ProjectRecord;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The admin API, called with the server's admin token ({@link AccessCheck}): projects ({@code
 * /api/v1/admin/projects}), their environments and the environments' API keys.
 */
final class AdminRoutes {
  private static final String PROJECTS = AccessCheck.ADMIN_PREFIX + "/projects";
  private static final String PROJECT = PROJECTS + "/{project}";
  private static final String ENVIRONMENTS = PROJECT + "/environments";
  private static final String KEYS = ENVIRONMENTS + "/{environment}/keys";
  private static final String KEY = KEYS + "/{key}";

  private final Administration administration;
  private final Audit audit;

  AdminRoutes(Administration administration, Audit audit) {
    this.administration = administration;
    this.audit = audit;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(PROJECTS, this::createProject);
    routes.get(
        PROJECTS, ctx -> list(ctx, administration.projects().stream().map(AdminRoutes::project)));
    routes.get(PROJECT, ctx -> HttpApi.json(ctx, project(administration.project(project(ctx)))));
    routes.post(ENVIRONMENTS, this::createEnvironment);
    routes.get(
        ENVIRONMENTS,
        ctx ->
            list(
                ctx,
                administration.environments(project(ctx)).stream().map(AdminRoutes::environment)));
    routes.post(KEYS, this::createKey);
    routes.get(
        KEYS,
        ctx ->
            list(
                ctx,
                administration.keys(project(ctx), environment(ctx)).stream()
                    .map(k -> key(k, ctx))));
    routes.get(
        KEY,
        ctx ->
            HttpApi.json(
                ctx,
                key(
                    administration.key(project(ctx), environment(ctx), ctx.pathParam("key")),
                    ctx)));
    routes.post(KEY + "/revoke", this::revokeKey);
  }

  private void createProject(Context ctx) {
    JsonNode body = object(ctx, Set.of("slug", "environments"));
    List<String> environments = null;
    if (body.has("environments")) {
      JsonNode envs = body.get("environments");
      if (!envs.isArray()) {
        throw ApiException.badRequest(
            "invalid_request", "environments must be an array of environment slugs");
      }
      environments = new ArrayList<>();
      for (JsonNode e : envs) {
        environments.add(e.isTextual() ? e.asText() : e.toString());
      }
    }
    ProjectRecord project = administration.createProject(text(body, "slug"), environments);
    ctx.status(201);
    HttpApi.json(ctx, project(project));
  }

  private void createEnvironment(Context ctx) {
    JsonNode body = object(ctx, Set.of("slug"));
    EnvironmentRecord env = administration.createEnvironment(project(ctx), text(body, "slug"));
    ctx.status(201);
    HttpApi.json(ctx, environment(env));
  }

  private void createKey(Context ctx) {
    JsonNode body = object(ctx, Set.of("name", "type", "expiresAt"));
    Instant expiresAt = null;
    String expires = text(body, "expiresAt");
    if (expires != null) {
      try {
        expiresAt = Instants.parse(expires);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "invalid_request",
            "expiresAt must be an ISO-8601 instant such as 2027-01-31T00:00:00Z, was '"
                + expires
                + "'");
      }
    }
    Principal principal = HttpApi.principal(ctx);
    CreatedKey created =
        administration.createKey(
            project(ctx),
            environment(ctx),
            text(body, "name"),
            text(body, "type"),
            expiresAt,
            principal == null ? null : principal.keyName());
    ApiKeyRecord key = created.key();
    audit.recordIn(
        ctx,
        key.environmentId(),
        AuditAction.KEY_CREATED,
        AuditTarget.apiKey(key.id().toString()),
        Audit.details()
            .put("name", key.name())
            .put("type", key.type())
            .put("expiresAt", instant(key.expiresAt())));
    ObjectNode json = key(key, ctx);
    json.put("key", created.secret());
    ctx.status(201);
    HttpApi.json(ctx, json);
  }

  private void revokeKey(Context ctx) {
    ApiKeyRecord key = administration.revoke(project(ctx), environment(ctx), ctx.pathParam("key"));
    audit.recordIn(
        ctx,
        key.environmentId(),
        AuditAction.KEY_REVOKED,
        AuditTarget.apiKey(key.id().toString()),
        Audit.details().put("name", key.name()).put("type", key.type()));
    HttpApi.json(ctx, key(key, ctx));
  }

  private static String project(Context ctx) {
    return ctx.pathParam("project");
  }

  private static String environment(Context ctx) {
    return ctx.pathParam("environment");
  }

  private static JsonNode object(Context ctx, Set<String> fields) {
    JsonNode body = Bodies.tree(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!fields.contains(f)) {
                throw ApiException.badRequest(
                    "invalid_request", "unknown field '" + f + "'; known: " + fields);
              }
            });
    return body;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest("invalid_request", field + " must be a string");
    }
    return value.asText();
  }

  private static void list(Context ctx, java.util.stream.Stream<ObjectNode> items) {
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode data = body.putArray("data");
    items.forEach(data::add);
    HttpApi.json(ctx, body);
  }

  private static ObjectNode project(ProjectRecord p) {
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("slug", p.slug());
    json.put("createdAt", p.createdAt().toString());
    ArrayNode envs = json.putArray("environments");
    p.environments().forEach(envs::add);
    return json;
  }

  private static ObjectNode environment(EnvironmentRecord e) {
    return Json.mapper()
        .createObjectNode()
        .put("project", e.projectSlug())
        .put("slug", e.slug())
        .put("createdAt", e.createdAt().toString());
  }

  private ObjectNode key(ApiKeyRecord k, Context ctx) {
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("id", k.id().toString());
    json.put("name", k.name());
    json.put("type", k.type());
    json.put("project", project(ctx));
    json.put("environment", environment(ctx));
    json.put("status", administration.status(k));
    json.put("lastFour", k.lastFour());
    json.put("createdAt", instant(k.createdAt()));
    json.put("lastUsedAt", instant(k.lastUsedAt()));
    json.put("expiresAt", instant(k.expiresAt()));
    json.put("revokedAt", instant(k.revokedAt()));
    json.put("createdBy", k.createdBy());
    return json;
  }

  private static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
