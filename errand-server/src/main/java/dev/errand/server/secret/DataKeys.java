package dev.errand.server.secret;

import dev.errand.server.store.DataKeyRecord;
import dev.errand.server.store.SecretStore;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each environment's data key: a random 256-bit AES key, created on first use and stored only
 * wrapped under the master key (AES-256-GCM, bound to the environment id and the key's id). Kept
 * unwrapped in memory once read: the server process is trusted. Thread-safe.
 */
final class DataKeys {
  private static final String PURPOSE = "errand/data-key/v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretStore store;
  private final MasterKey master;
  private final Map<UUID, SecretKey> unwrapped = new ConcurrentHashMap<>();

  DataKeys(SecretStore store, MasterKey master) {
    this.store = store;
    this.master = master;
  }

  /**
   * Checks that every stored data key was wrapped by this master key.
   *
   * @throws MasterKeyMismatchException when one was not
   */
  void checkMasterKey() {
    for (DataKeyRecord key : store.listDataKeys()) {
      if (!key.masterKeyFingerprint().equals(master.fingerprint())) {
        throw new MasterKeyMismatchException(master.fingerprint(), key.masterKeyFingerprint());
      }
    }
  }

  /** The environment's data key, created (and stored wrapped) if it has none. */
  SecretKey forEnvironment(UUID environmentId) {
    SecretKey key = unwrapped.get(environmentId);
    if (key != null) {
      return key;
    }
    DataKeyRecord record =
        store
            .findDataKey(environmentId)
            .orElseGet(() -> store.ensureDataKey(create(environmentId)));
    key = unwrap(master, record);
    unwrapped.put(environmentId, key);
    return key;
  }

  /** Whether the environment has a data key (without creating one). */
  boolean exists(UUID environmentId) {
    return unwrapped.containsKey(environmentId) || store.findDataKey(environmentId).isPresent();
  }

  private DataKeyRecord create(UUID environmentId) {
    byte[] bytes = new byte[MasterKey.LENGTH];
    RANDOM.nextBytes(bytes);
    UUID keyId = UUID.randomUUID();
    return new DataKeyRecord(
        environmentId, keyId, wrap(master, bytes, environmentId, keyId), master.fingerprint(), 0);
  }

  static String wrap(MasterKey master, byte[] dataKey, UUID environmentId, UUID keyId) {
    return Aead.seal(master.key(), dataKey, aad(environmentId, keyId));
  }

  /**
   * The data key of {@code record}, unwrapped with {@code master}.
   *
   * @throws MasterKeyMismatchException when another master key wrapped it
   * @throws SecretUnreadableException when it does not unwrap (altered, or moved to another row)
   */
  static SecretKey unwrap(MasterKey master, DataKeyRecord record) {
    if (!record.masterKeyFingerprint().equals(master.fingerprint())) {
      throw new MasterKeyMismatchException(master.fingerprint(), record.masterKeyFingerprint());
    }
    byte[] bytes =
        Aead.open(
            master.key(),
            record.wrappedKey(),
            aad(record.environmentId(), record.keyId()),
            "the data key of environment " + record.environmentId());
    return new SecretKeySpec(bytes, "AES");
  }

  private static byte[] aad(UUID environmentId, UUID keyId) {
    return Aead.associatedData(PURPOSE, environmentId.toString(), keyId.toString());
  }
}
