package dev.errand.server.secret;

import dev.errand.server.store.SecretStore;
import dev.errand.server.store.SecretStore.WebhookSecretRow;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.IntFunction;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals webhook signing secrets under their environment's data key, bound to the environment, the
 * endpoint and the secret's version, so that a ciphertext copied to another endpoint or to another
 * version of the same endpoint (such as a rotated-out secret copied over the current one) does not
 * open. {@link #open} reads only sealed values: a value in clear is refused. Values stored in clear
 * before V20 are sealed by {@link #sealStoredInClear()} (run at every start). Thread-safe.
 */
public final class WebhookSecretSeal {
  private static final Logger log = LoggerFactory.getLogger(WebhookSecretSeal.class);
  private static final String PURPOSE = "errand/webhook-secret/v1";

  /** The version of an endpoint's first secret (the one given when it is created). */
  public static final int FIRST_VERSION = 1;

  private final SecretStore store;
  private final DataKeys dataKeys;

  WebhookSecretSeal(SecretStore store, DataKeys dataKeys) {
    this.store = store;
    this.dataKeys = dataKeys;
  }

  /**
   * {@code secret} sealed as version {@code version} of endpoint {@code endpointId}; null stays
   * null.
   */
  public String seal(UUID environmentId, String endpointId, int version, String secret) {
    return sealer(environmentId, endpointId, secret).apply(version);
  }

  /**
   * {@code secret} sealed for endpoint {@code endpointId} as whichever version the store gives it
   * (for a rotation, where the version is known only inside the store's transaction); a null secret
   * gives null. The data key is read (or created) now, so that the function only encrypts.
   */
  public IntFunction<String> sealer(UUID environmentId, String endpointId, String secret) {
    if (secret == null) {
      return version -> null;
    }
    SecretKey key = dataKeys.forEnvironment(environmentId);
    byte[] plaintext = secret.getBytes(StandardCharsets.UTF_8);
    return version -> Aead.seal(key, plaintext, aad(environmentId, endpointId, version));
  }

  /**
   * The secret in clear, from its sealed form; null stays null (a verifier without a secret).
   *
   * @throws SecretUnreadableException when the value is in clear (planted in the database after
   *     start: legacy values are sealed at start), or does not decrypt as this endpoint's secret of
   *     this version
   */
  public String open(UUID environmentId, String endpointId, int version, String stored) {
    if (stored == null) {
      return null;
    }
    String what = "the signing secret v" + version + " of webhook endpoint " + endpointId;
    if (!Aead.isSealed(stored)) {
      throw new SecretUnreadableException(
          what
              + " is stored in clear; only sealed secrets are used (secrets written in clear"
              + " before V20 are sealed when the server starts)");
    }
    return new String(
        Aead.open(
            dataKeys.forEnvironment(environmentId),
            stored,
            aad(environmentId, endpointId, version),
            what),
        StandardCharsets.UTF_8);
  }

  /**
   * Seals every webhook secret still stored in clear; returns how many. Meant for the rows written
   * before V20; it cannot tell those from a value written in clear into the database since, so a
   * value planted by someone who can write to the database is sealed too at the next start.
   */
  public int sealStoredInClear() {
    int sealed = 0;
    for (WebhookSecretRow row : store.listWebhookSecrets()) {
      if (Aead.isSealed(row.value())) {
        continue;
      }
      String value = seal(row.environmentId(), row.endpointId(), row.version(), row.value());
      if (store.replaceWebhookSecret(row.endpointId(), row.version(), row.value(), value)) {
        sealed++;
      }
    }
    if (sealed > 0) {
      log.info("sealed {} webhook secret(s) stored in clear", sealed);
    }
    return sealed;
  }

  private static byte[] aad(UUID environmentId, String endpointId, int version) {
    return Aead.associatedData(
        PURPOSE, environmentId.toString(), endpointId, Integer.toString(version));
  }
}
