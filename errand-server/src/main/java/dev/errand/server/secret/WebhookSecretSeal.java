package dev.errand.server.secret;

import dev.errand.server.store.SecretStore;
import dev.errand.server.store.SecretStore.WebhookSecretRow;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals webhook signing secrets under their environment's data key, bound to the environment and
 * the endpoint. Reads both forms: a value stored before V20 is in clear, and {@link
 * #sealStoredInClear()} (run at every start) seals those. Thread-safe.
 */
public final class WebhookSecretSeal {
  private static final Logger log = LoggerFactory.getLogger(WebhookSecretSeal.class);
  private static final String PURPOSE = "errand/webhook-secret/v1";

  private final SecretStore store;
  private final DataKeys dataKeys;

  WebhookSecretSeal(SecretStore store, DataKeys dataKeys) {
    this.store = store;
    this.dataKeys = dataKeys;
  }

  /** {@code secret} sealed for endpoint {@code endpointId}; null stays null. */
  public String seal(UUID environmentId, String endpointId, String secret) {
    if (secret == null) {
      return null;
    }
    return Aead.seal(
        dataKeys.forEnvironment(environmentId),
        secret.getBytes(StandardCharsets.UTF_8),
        aad(environmentId, endpointId));
  }

  /**
   * The secret in clear, from its stored form (sealed, or in clear when written before V20).
   *
   * @throws SecretUnreadableException when a sealed value does not decrypt
   */
  public String open(UUID environmentId, String endpointId, String stored) {
    if (stored == null || !Aead.isSealed(stored)) {
      return stored;
    }
    return new String(
        Aead.open(
            dataKeys.forEnvironment(environmentId),
            stored,
            aad(environmentId, endpointId),
            "the signing secret of webhook endpoint " + endpointId),
        StandardCharsets.UTF_8);
  }

  /** Seals every webhook secret still stored in clear; returns how many. */
  public int sealStoredInClear() {
    int sealed = 0;
    for (WebhookSecretRow row : store.listWebhookSecrets()) {
      if (Aead.isSealed(row.value())) {
        continue;
      }
      String value = seal(row.environmentId(), row.endpointId(), row.value());
      if (store.replaceWebhookSecret(row.endpointId(), row.version(), row.value(), value)) {
        sealed++;
      }
    }
    if (sealed > 0) {
      log.info("sealed {} webhook secret(s) stored in clear before V20", sealed);
    }
    return sealed;
  }

  private static byte[] aad(UUID environmentId, String endpointId) {
    return Aead.associatedData(PURPOSE, environmentId.toString(), endpointId);
  }
}
