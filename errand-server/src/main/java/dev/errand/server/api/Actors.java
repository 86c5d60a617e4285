package dev.errand.server.api;

import dev.errand.server.audit.Actor;
import dev.errand.server.store.Store.ApiKey;
import io.javalin.http.Context;

/**
 * Who made an authenticated request: the ONE place that turns a request into an audit {@link
 * Actor}. Today every caller of {@code /api/v1} is an environment's API key: the actor is {@code
 * api_key}, its id the key's id and its name the key's prefix ({@code sk_prod_abcd}); the address
 * is the client's (see {@link ClientAddress}).
 */
final class Actors {
  private Actors() {}

  static Actor from(Context ctx) {
    ApiKey key = ctx.attribute(HttpApi.API_KEY);
    String address = ctx.attribute(HttpApi.CLIENT_ADDRESS);
    if (key == null) {
      return new Actor(Actor.Type.SYSTEM, null, null, address);
    }
    return new Actor(Actor.Type.API_KEY, key.id().toString(), key.prefix(), address);
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
