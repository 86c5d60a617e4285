package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook endpoint as stored.
 *
 * @param id the unguessable id in the ingest URL ({@code /webhooks/{id}})
 * @param verifierJson the verifier's settings as JSON, without its secret
 * @param routesJson the routes as a JSON array
 * @param deliveryIdSourceJson where the provider's delivery id is read, as JSON; null: no dedup
 * @param dedupWindowMillis how long a delivery id is remembered
 * @param maxBodyBytes the largest body accepted
 * @param rateLimit deliveries per {@code rateWindowMillis} on each server node, or null for none
 * @param secrets the secrets, newest first; one with an expiry is an old one in its grace period
 */
public record WebhookEndpointRecord(
    String id,
    UUID environmentId,
    String name,
    String verifierJson,
    String routesJson,
    String deliveryIdSourceJson,
    long dedupWindowMillis,
    int maxBodyBytes,
    Integer rateLimit,
    Long rateWindowMillis,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    List<Secret> secrets) {

  public WebhookEndpointRecord {
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
  }

  /** The same endpoint with other secrets. */
  public WebhookEndpointRecord withSecrets(List<Secret> newSecrets) {
    return new WebhookEndpointRecord(
        id,
        environmentId,
        name,
        verifierJson,
        routesJson,
        deliveryIdSourceJson,
        dedupWindowMillis,
        maxBodyBytes,
        rateLimit,
        rateWindowMillis,
        enabled,
        createdAt,
        updatedAt,
        newSecrets);
  }

  /**
   * One secret of an endpoint.
   *
   * @param value the secret as stored: sealed under the environment's data key ({@code enc:v1:...},
   *     see {@code secret.WebhookSecretSeal}), or in clear when written before V20; null for a
   *     verifier that takes none. The store never decrypts it
   * @param expiresAt when it stops verifying, or null for the current secret
   */
  public record Secret(int version, String value, Instant createdAt, Instant expiresAt) {
    /** Whether it still verifies at {@code now}. */
    public boolean activeAt(Instant now) {
      return expiresAt == null || expiresAt.isAfter(now);
    }

    @Override
    public String toString() {
      return "Secret[version="
          + version
          + ", value=[masked], createdAt="
          + createdAt
          + ", expiresAt="
          + expiresAt
          + "]";
    }
  }
}
