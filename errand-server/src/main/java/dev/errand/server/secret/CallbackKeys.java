package dev.errand.server.secret;

import dev.errand.server.engine.CallbackKeySeal;
import dev.errand.server.store.SecretStore;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the waitpoint callback key (installation-wide, not per environment) directly under the
 * master key, like a data key, bound to its own purpose and setting name. {@link #start()} seals a
 * key stored in clear by an older server and checks that a sealed one opens with this master key.
 * Thread-safe.
 */
public final class CallbackKeys implements CallbackKeySeal {
  private static final Logger log = LoggerFactory.getLogger(CallbackKeys.class);
  private static final String PURPOSE = "errand/waitpoint-callback-key/v1";
  private static final String WHAT = "the waitpoint callback key";

  private final SecretStore store;
  private final MasterKey master;

  CallbackKeys(SecretStore store, MasterKey master) {
    this.store = store;
    this.master = master;
  }

  @Override
  public String seal(byte[] key) {
    return seal(master, key);
  }

  /**
   * @throws SecretUnreadableException when the stored key is in clear (written into the database
   *     after start: an older server's key is sealed at start), altered, or sealed under another
   *     master key
   */
  @Override
  public byte[] open(String stored) {
    if (!Aead.isSealed(stored)) {
      throw new SecretUnreadableException(
          WHAT
              + " (server setting "
              + SETTING
              + ") is stored in clear; only a sealed key is used (a key written in clear by an"
              + " older server is sealed when the server starts)");
    }
    return Aead.open(master.key(), stored, aad(), WHAT);
  }

  /**
   * Seals the stored callback key if it is in clear (written by a server older than this one), and
   * checks that a sealed one opens with this master key. Like {@link
   * WebhookSecretSeal#sealStoredInClear()}, it cannot tell an older server's key from one written
   * in clear into the database since: that one is sealed too.
   *
   * @throws SecretUnreadableException when the stored key does not open with this master key
   */
  void start() {
    Optional<String> stored = store.findSetting(SETTING);
    if (stored.isEmpty()) {
      return;
    }
    String value = stored.get();
    if (Aead.isSealed(value)) {
      open(value);
      return;
    }
    if (store.replaceSetting(SETTING, value, seal(clearKey(value)))) {
      log.info("sealed {} stored in clear under the master key", WHAT);
    }
  }

  /**
   * The stored callback key sealed under {@code newKey}: unchanged when it already is (a repeated
   * rotation), opened with {@code oldKey} otherwise (or sealed, when it is still in clear).
   *
   * @throws SecretUnreadableException when it opens with neither key
   */
  static String rewrap(MasterKey oldKey, MasterKey newKey, String stored) {
    if (!Aead.isSealed(stored)) {
      return seal(newKey, clearKey(stored));
    }
    try {
      Aead.open(newKey.key(), stored, aad(), WHAT);
      return stored;
    } catch (SecretUnreadableException underNewKey) {
      return seal(newKey, Aead.open(oldKey.key(), stored, aad(), WHAT));
    }
  }

  private static String seal(MasterKey master, byte[] key) {
    return Aead.seal(master.key(), key, aad());
  }

  private static byte[] clearKey(String stored) {
    try {
      return Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException e) {
      throw new SecretUnreadableException(WHAT + " is neither sealed nor valid base64");
    }
  }

  private static byte[] aad() {
    return Aead.associatedData(PURPOSE, SETTING);
  }
}
