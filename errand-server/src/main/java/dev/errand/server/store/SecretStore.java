package dev.errand.server.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Secrets at rest (part of a {@link Store}): each environment's wrapped data key, its environment
 * variables (sealed values), and access to webhook signing secrets for sealing legacy rows. The
 * store never sees a key or a value in clear. Thread-safe.
 */
public interface SecretStore {

  /** The environment's data key, if it has one yet. */
  Optional<DataKeyRecord> findDataKey(UUID environmentId);

  /**
   * Stores {@code candidate} as its environment's data key unless the environment has one already
   * (also one stored concurrently by another node); returns the one stored.
   */
  DataKeyRecord ensureDataKey(DataKeyRecord candidate);

  /** Every data key, of every environment. */
  List<DataKeyRecord> listDataKeys();

  /**
   * In one transaction, replaces every data key not yet under {@code newFingerprint} with {@code
   * rewrap} of it (a new wrapping and fingerprint; the environment and key id must stay); those
   * already under it are left alone, so that a rotation can be run again. Fails, changing nothing,
   * when afterwards a data key of another fingerprint than {@code newFingerprint} remains. Returns
   * how many it rewrapped.
   */
  default int rewrapDataKeys(UnaryOperator<DataKeyRecord> rewrap, String newFingerprint) {
    return rewrapDataKeys(rewrap, newFingerprint, Map.of());
  }

  /**
   * {@link #rewrapDataKeys(UnaryOperator, String)}, and in the same transaction replaces each
   * server-wide setting named in {@code rewrapSettings} that exists with the operator's result. On
   * PostgreSQL the data keys are locked against inserts for the whole transaction, so that a
   * running node cannot add one under the old master key meanwhile.
   */
  int rewrapDataKeys(
      UnaryOperator<DataKeyRecord> rewrap,
      String newFingerprint,
      Map<String, UnaryOperator<String>> rewrapSettings);

  /** A server-wide setting's stored value, if it has one. */
  Optional<String> findSetting(String name);

  /**
   * Replaces a server-wide setting's value with {@code newValue}, if it still is {@code oldValue};
   * returns whether it did.
   */
  boolean replaceSetting(String name, String oldValue, String newValue);

  /**
   * Sets a variable (sealed) and moves the environment's {@code varsVersion} on, in one
   * transaction; the environment's data key must exist. Returns true when the variable is new.
   */
  boolean putEnvVar(UUID environmentId, String name, String sealedValue);

  /** Deletes a variable and moves {@code varsVersion} on; false when there was none. */
  boolean deleteEnvVar(UUID environmentId, String name);

  /** The environment's variables (sealed), by name. */
  List<EnvVarRecord> listEnvVars(UUID environmentId);

  /** The environment's {@code varsVersion}; 0 when it has no data key yet. */
  long envVarsVersion(UUID environmentId);

  /** A webhook signing secret as stored (sealed, or in clear when written before V20). */
  record WebhookSecretRow(UUID environmentId, String endpointId, int version, String value) {
    @Override
    public String toString() {
      return "WebhookSecretRow[environmentId="
          + environmentId
          + ", endpointId="
          + endpointId
          + ", version="
          + version
          + ", value=[masked]]";
    }
  }

  /** Every stored webhook signing secret that has a value. */
  List<WebhookSecretRow> listWebhookSecrets();

  /**
   * Replaces one webhook secret's stored value with {@code newValue}, if it still is {@code
   * oldValue}; returns whether it did.
   */
  boolean replaceWebhookSecret(String endpointId, int version, String oldValue, String newValue);
}
