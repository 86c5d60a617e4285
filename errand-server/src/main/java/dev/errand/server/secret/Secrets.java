package dev.errand.server.secret;

import dev.errand.server.store.Store;
import java.util.Objects;

/**
 * A server node's secrets: environment variables and webhook secret sealing, under one master key.
 * {@link #start()} checks the master key against the stored data keys and seals webhook secrets
 * left in clear. Thread-safe.
 */
public final class Secrets {
  private final DataKeys dataKeys;
  private final EnvVars envVars;
  private final WebhookSecretSeal webhookSeal;

  public Secrets(Store store, MasterKey masterKey) {
    Objects.requireNonNull(masterKey, "masterKey");
    this.dataKeys = new DataKeys(store.secrets(), masterKey);
    this.envVars = new EnvVars(store.secrets(), dataKeys);
    this.webhookSeal = new WebhookSecretSeal(store.secrets(), dataKeys);
  }

  /**
   * Checks that the master key is the one that wrapped the stored data keys, then seals the webhook
   * secrets stored in clear.
   *
   * @throws MasterKeyMismatchException when it is not
   */
  public void start() {
    dataKeys.checkMasterKey();
    webhookSeal.sealStoredInClear();
  }

  public EnvVars envVars() {
    return envVars;
  }

  public WebhookSecretSeal webhookSeal() {
    return webhookSeal;
  }
}
