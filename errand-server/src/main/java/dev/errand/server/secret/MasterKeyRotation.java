package dev.errand.server.secret;

import dev.errand.server.engine.CallbackKeySeal;
import dev.errand.server.store.DataKeyRecord;
import dev.errand.server.store.Store;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Rotates the master key: unwraps every data key and the waitpoint callback key with the old master
 * key and wraps them with the new one, in one transaction. Values are not touched: they stay sealed
 * under their data keys, which do not change (the point of envelope encryption). Keys already
 * wrapped by the new master key are left alone, so a rotation that was interrupted, or that a node
 * still running with the old key undid in part, can be run again with the same keys. Run it while
 * the servers are stopped, then start them with the new key.
 */
public final class MasterKeyRotation {
  private MasterKeyRotation() {}

  /**
   * Rewraps every data key of {@code store} (and the waitpoint callback key) from {@code oldKey} to
   * {@code newKey}; returns how many data keys it rewrapped (0 when run again).
   *
   * @throws MasterKeyMismatchException when {@code oldKey} did not wrap them (nothing changes)
   * @throws SecretUnreadableException when a data key or the callback key does not unwrap (nothing
   *     changes)
   */
  public static int rotate(Store store, MasterKey oldKey, MasterKey newKey) {
    if (oldKey.fingerprint().equals(newKey.fingerprint())) {
      throw new IllegalArgumentException("the new master key is the old one");
    }
    return store
        .secrets()
        .rewrapDataKeys(
            record -> {
              SecretKey dataKey = DataKeys.unwrap(oldKey, record);
              return new DataKeyRecord(
                  record.environmentId(),
                  record.keyId(),
                  DataKeys.wrap(
                      newKey, dataKey.getEncoded(), record.environmentId(), record.keyId()),
                  newKey.fingerprint(),
                  record.varsVersion());
            },
            newKey.fingerprint(),
            Map.of(CallbackKeySeal.SETTING, stored -> CallbackKeys.rewrap(oldKey, newKey, stored)));
  }
}
