package dev.errand.server.secret;

import dev.errand.server.store.DataKeyRecord;
import dev.errand.server.store.Store;
import javax.crypto.SecretKey;

/**
 * Rotates the master key: unwraps every data key with the old master key and wraps it with the new
 * one, in one transaction. Values are not touched: they stay sealed under their data keys, which do
 * not change (the point of envelope encryption). Run it while the servers are stopped, then start
 * them with the new key.
 */
public final class MasterKeyRotation {
  private MasterKeyRotation() {}

  /**
   * Rewraps every data key of {@code store} from {@code oldKey} to {@code newKey}; returns how
   * many.
   *
   * @throws MasterKeyMismatchException when {@code oldKey} did not wrap them (nothing changes)
   * @throws SecretUnreadableException when a data key does not unwrap (nothing changes)
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
            newKey.fingerprint());
  }
}
