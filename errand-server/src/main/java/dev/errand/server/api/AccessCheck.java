package dev.errand.server.api;

import dev.errand.server.auth.AccessException;
import dev.errand.server.auth.AdminToken;
import dev.errand.server.auth.Authenticator;
import dev.errand.server.auth.KeyType;
import dev.errand.server.auth.Permission;
import dev.errand.server.auth.Permissions;
import dev.errand.server.auth.Principal;
import dev.errand.server.store.AccessStore.KeyMatch;
import io.javalin.http.Context;
import java.util.stream.Collectors;

/**
 * The before-handler of {@code /api/*}: authenticates the bearer token (an API key; under {@code
 * /api/v1/admin} the admin token), takes one request of the key's rate limit ({@link
 * ApiRateLimiter}; not for the worker protocol), then checks the key's type against {@link
 * Permissions}. Puts the {@link Principal} and the environment on the request. 401 for a missing,
 * unknown, revoked or expired key; 429 over the rate limit; 403 {@code permission_denied} for a key
 * whose type does not allow the route.
 */
final class AccessCheck {
  static final String ADMIN_PREFIX = "/api/v1/admin";

  /**
   * The worker protocol's paths: not rate limited per key (a worker's claims, heartbeats and result
   * batches are paced by the protocol itself).
   */
  private static final String WORKER_PROTOCOL = "/api/v1/workers/";

  private final Authenticator authenticator;
  private final AdminToken adminToken;
  private final ApiRateLimiter rateLimiter;
  private final ClientAddress clientAddress;

  AccessCheck(
      Authenticator authenticator,
      AdminToken adminToken,
      ApiRateLimiter rateLimiter,
      ClientAddress clientAddress) {
    this.authenticator = authenticator;
    this.adminToken = adminToken;
    this.rateLimiter = rateLimiter;
    this.clientAddress = clientAddress;
  }

  void handle(Context ctx) {
    String path = ctx.path();
    if (WaitpointRoutes.CALLBACK_PATH.matcher(path).matches()) {
      return; // signed by the HMAC in its path instead
    }
    String address = address(ctx);
    rateLimiter.checkFailures(ctx, address);
    try {
      authenticate(ctx, path);
    } catch (AccessException e) {
      if (e.status() == 401) {
        rateLimiter.recordFailure(address);
      }
      throw e;
    }
  }

  private void authenticate(Context ctx, String path) {
    if (path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/")) {
      admin(ctx);
      return;
    }
    KeyMatch match = authenticator.authenticate(bearer(ctx, "API key"));
    KeyType type = KeyType.of(match.key().type()).orElse(KeyType.READ_ONLY);
    Principal principal =
        new Principal(
            match.key().id(), match.key().name(), type, match.environment(), address(ctx));
    ctx.attribute(HttpApi.PRINCIPAL, principal);
    ctx.attribute(HttpApi.ENVIRONMENT, match.environment());
    if (!path.startsWith(WORKER_PROTOCOL)) {
      rateLimiter.acquire(ctx, match.key().id().toString());
    }
    Permission needed = Permissions.required(ctx.method().name(), path);
    if (!type.allows(needed)) {
      throw new AccessException(
          403,
          "permission_denied",
          "the "
              + type.slug()
              + " key '"
              + principal.keyName()
              + "' may not "
              + ctx.method().name()
              + " "
              + path
              + ": that needs a key that may "
              + needed.description()
              + " ("
              + KeyType.granting(needed).stream()
                  .map(KeyType::slug)
                  .collect(Collectors.joining(", "))
              + ")");
    }
  }

  private void admin(Context ctx) {
    if (adminToken == null) {
      throw new AccessException(
          403,
          "admin_api_disabled",
          "the admin API is off on this server: start it with ERRAND_ADMIN_TOKEN set (or errand"
              + " server --admin-token-file)");
    }
    if (!adminToken.matches(bearer(ctx, "admin token"))) {
      throw new AccessException(
          401, "unauthorized", "the admin API takes the server's admin token, and this is not it");
    }
    ctx.attribute(HttpApi.PRINCIPAL, Principal.adminToken(address(ctx)));
  }

  /** The client's address: the peer's, or a trusted proxy's forwarded one. */
  private String address(Context ctx) {
    return clientAddress.of(ctx.ip(), ctx.header("X-Forwarded-For"));
  }

  private static String bearer(Context ctx, String what) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AccessException(
          401, "unauthorized", "missing Authorization: Bearer <" + what + ">");
    }
    return header.substring(7).trim();
  }
}
