package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A webhook delivery as logged: every request that reached a known endpoint, whatever became of it.
 *
 * @param deliveryKey the provider's delivery id (the dedup key), or null
 * @param duplicateOf for a duplicate, the delivery it repeats
 * @param replayOf for a replay, the delivery it replays
 * @param verified whether a signature was checked and matched (false for {@code none} and rejects)
 * @param reason why it was rejected, or null
 * @param headersJson the headers as a JSON object of name to values, signatures masked
 * @param body the raw body; null in lists
 * @param runs the runs it created, by route
 */
public record WebhookDeliveryRecord(
    UUID id,
    UUID environmentId,
    String endpointId,
    Status status,
    Instant receivedAt,
    String deliveryKey,
    UUID duplicateOf,
    UUID replayOf,
    boolean verified,
    String reason,
    String headersJson,
    String contentType,
    byte[] body,
    List<DeliveryRun> runs) {

  public WebhookDeliveryRecord {
    runs = runs == null ? List.of() : List.copyOf(runs);
  }

  /** What became of a delivery. */
  public enum Status {
    /** Verified and routed: its runs exist. */
    ACCEPTED,
    /** Refused: bad signature, stale timestamp, malformed request, disabled endpoint. */
    REJECTED,
    /** A redelivery of a delivery id seen within the dedup window: nothing was created. */
    DUPLICATE,
    /** Verified, but no route matched: stored, nothing created. */
    UNROUTED;

    /** The lower-case name used in the API and the database. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a lower-case (or any case) name. */
    public static Status fromWire(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** A run a delivery created through one of its endpoint's routes. */
  public record DeliveryRun(int route, UUID runId, String taskId) {}
}
