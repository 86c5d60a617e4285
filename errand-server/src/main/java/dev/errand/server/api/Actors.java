package dev.errand.server.api;

import dev.errand.server.audit.Actor;
import dev.errand.server.auth.Principal;
import io.javalin.http.Context;

/**
 * Who made an authenticated request: the ONE place that turns a request's {@link Principal} into an
 * audit {@link Actor}. An environment's API key is actor {@code api_key}, with the key's id and its
 * name ({@code ci-deploy}); the admin token is actor {@code admin}, named {@value
 * Principal#ADMIN_TOKEN}; the address is the client's (see {@link ClientAddress}).
 */
final class Actors {
  private Actors() {}

  static Actor from(Context ctx) {
    Principal principal = HttpApi.principal(ctx);
    if (principal == null) {
      return new Actor(Actor.Type.SYSTEM, null, null, null);
    }
    if (principal.isAdminToken()) {
      return new Actor(Actor.Type.ADMIN, null, principal.keyName(), principal.clientAddress());
    }
    return new Actor(
        Actor.Type.API_KEY,
        principal.keyId().toString(),
        principal.keyName(),
        principal.clientAddress());
  }

  /** The request's {@code X-Request-Id}, when it sent a usable one (1 to 128 characters). */
  static String requestId(Context ctx) {
    String id = ctx.header("X-Request-Id");
    if (id == null || id.isBlank() || id.length() > 128 || TextRules.hasControl(id)) {
      return null;
    }
    return id.strip();
  }
}
