package dev.errand.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * An environment variable as stored.
 *
 * @param sealedValue the value sealed under the environment's data key; never in clear
 */
public record EnvVarRecord(
    UUID environmentId, String name, String sealedValue, Instant createdAt, Instant updatedAt) {

  @Override
  public String toString() {
    return "EnvVarRecord[environmentId="
        + environmentId
        + ", name="
        + name
        + ", createdAt="
        + createdAt
        + ", updatedAt="
        + updatedAt
        + "]";
  }
}
