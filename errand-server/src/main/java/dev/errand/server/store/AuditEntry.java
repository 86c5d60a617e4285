package dev.errand.server.store;

import java.util.Objects;
import java.util.UUID;

/**
 * An audit row to append: who ({@code actorType}, {@code actorId}, {@code actorName}, {@code
 * address}) did what ({@code action}) to what ({@code targetType}, {@code targetId}) in which
 * environment, with {@code detailsJson} (a JSON object; never secret values, never payloads) and
 * the request's id when it had one. The store adds the id and the time (database clock).
 */
public record AuditEntry(
    UUID environmentId,
    String actorType,
    String actorId,
    String actorName,
    String address,
    String action,
    String targetType,
    String targetId,
    String detailsJson,
    String requestId) {

  public AuditEntry {
    Objects.requireNonNull(environmentId, "environmentId");
    Objects.requireNonNull(actorType, "actorType");
    Objects.requireNonNull(action, "action");
    if (detailsJson == null || detailsJson.isBlank()) {
      detailsJson = "{}";
    }
    if (!detailsJson.strip().startsWith("{") || !detailsJson.strip().endsWith("}")) {
      throw new IllegalArgumentException(
          "detailsJson must be a JSON object, was '" + detailsJson + "'");
    }
  }

  /** This entry about {@code newTargetId}. */
  public AuditEntry withTargetId(String newTargetId) {
    return copy(newTargetId, detailsJson);
  }

  /** This entry with {@code newDetailsJson} (a JSON object) as its details. */
  public AuditEntry withDetailsJson(String newDetailsJson) {
    return copy(targetId, newDetailsJson);
  }

  private AuditEntry copy(String newTargetId, String newDetailsJson) {
    return new AuditEntry(
        environmentId,
        actorType,
        actorId,
        actorName,
        address,
        action,
        targetType,
        newTargetId,
        newDetailsJson,
        requestId);
  }
}
