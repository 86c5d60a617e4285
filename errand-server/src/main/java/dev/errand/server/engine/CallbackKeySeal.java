package dev.errand.server.engine;

/**
 * Protects the waitpoint callback key at rest: the key that signs callback URLs is stored in the
 * server-wide setting {@value #SETTING} only sealed (the server seals it under its master key), so
 * that a copy of the database does not let anyone forge callback URLs. Thread-safe.
 */
public interface CallbackKeySeal {

  /** The server-wide setting holding the sealed callback key: {@value}. */
  String SETTING = "waitpoint_callback_key";

  /** {@code key} sealed, to store. */
  String seal(byte[] key);

  /**
   * The key from its stored form.
   *
   * @throws RuntimeException (the implementation's) when the stored value is in clear, altered, or
   *     sealed under another key; the message never quotes it
   */
  byte[] open(String stored);
}
