package dev.errand.server.secret;

import dev.errand.server.store.Store;
import java.util.Objects;

/**
 * A server node's secrets: environment variables, webhook secret sealing and the waitpoint callback
 * key, under one master key. {@link #start()} checks the master key against the stored keys and
 * seals the callback key and webhook secrets left in clear. Thread-safe.
 */
public final class Secrets {
  private final DataKeys dataKeys;
  private final EnvVars envVars;
  private final WebhookSecretSeal webhookSeal;
  private final CallbackKeys callbackKeys;

  public Secrets(Store store, MasterKey masterKey) {
    Objects.requireNonNull(masterKey, "masterKey");
    this.dataKeys = new DataKeys(store.secrets(), masterKey);
    this.callbackKeys = new CallbackKeys(store.secrets(), masterKey);
    this.envVars = new EnvVars(store.secrets(), dataKeys);
    this.webhookSeal = new WebhookSecretSeal(store.secrets(), dataKeys);
  }

  /**
   * Checks that the master key is the one that wrapped the stored data keys and the waitpoint
   * callback key, then seals the callback key and the webhook secrets if stored in clear.
   *
   * @throws MasterKeyMismatchException when another master key wrapped the data keys
   * @throws SecretUnreadableException when the callback key does not open with this master key
   */
  public void start() {
    dataKeys.checkMasterKey();
    callbackKeys.start();
    webhookSeal.sealStoredInClear();
  }

  /** Seals the waitpoint callback key under the master key (for the engine). */
  public CallbackKeys callbackKeys() {
    return callbackKeys;
  }

  public EnvVars envVars() {
    return envVars;
  }

  public WebhookSecretSeal webhookSeal() {
    return webhookSeal;
  }
}
