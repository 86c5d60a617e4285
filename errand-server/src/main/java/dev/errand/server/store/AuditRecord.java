package dev.errand.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored audit row: an {@link AuditEntry} with its id (ever increasing) and the time it was
 * recorded (database clock).
 */
public record AuditRecord(
    long id,
    UUID environmentId,
    Instant occurredAt,
    String actorType,
    String actorId,
    String actorName,
    String address,
    String action,
    String targetType,
    String targetId,
    String detailsJson,
    String requestId) {}
