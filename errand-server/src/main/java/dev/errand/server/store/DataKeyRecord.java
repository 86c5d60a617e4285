package dev.errand.server.store;

import java.util.UUID;

/**
 * An environment's data key as stored: only wrapped under the master key.
 *
 * @param keyId a random id, bound into the wrapping so that a wrapped key moved to another row
 *     fails to unwrap
 * @param wrappedKey the sealed data key
 * @param masterKeyFingerprint the fingerprint of the master key that wrapped it
 * @param varsVersion how many times the environment's variables changed
 */
public record DataKeyRecord(
    UUID environmentId,
    UUID keyId,
    String wrappedKey,
    String masterKeyFingerprint,
    long varsVersion) {

  @Override
  public String toString() {
    return "DataKeyRecord[environmentId="
        + environmentId
        + ", keyId="
        + keyId
        + ", masterKeyFingerprint="
        + masterKeyFingerprint
        + ", varsVersion="
        + varsVersion
        + "]";
  }
}
