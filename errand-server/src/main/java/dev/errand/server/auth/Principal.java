package dev.errand.server.auth;

import dev.errand.server.store.Store.Environment;
import java.util.UUID;

/**
 * Who makes a request: an API key of an environment, or the server's admin token. Route handlers
 * read it with {@code HttpApi.principal(ctx)}.
 *
 * @param keyId the API key's id; null for the admin token
 * @param keyName the API key's name; {@value #ADMIN_TOKEN} for the admin token
 * @param keyType the API key's type; {@link KeyType#ADMIN} for the admin token
 * @param environment the key's environment; null for the admin token, which is above environments
 * @param clientAddress the client's IP address as the server saw it
 */
public record Principal(
    UUID keyId, String keyName, KeyType keyType, Environment environment, String clientAddress) {

  /** The {@link #keyName()} of requests made with the admin token. */
  public static final String ADMIN_TOKEN = "admin-token";

  /** A request made with the admin token. */
  public static Principal adminToken(String clientAddress) {
    return new Principal(null, ADMIN_TOKEN, KeyType.ADMIN, null, clientAddress);
  }

  public boolean isAdminToken() {
    return keyId == null;
  }
}
