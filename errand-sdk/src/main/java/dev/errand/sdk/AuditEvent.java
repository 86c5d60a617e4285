package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One row of the audit log ({@link AuditLog#list}): who ({@code actor}) did what ({@code action},
 * such as {@code run.canceled}) to what ({@code target}) and when (the server's database clock),
 * with details that never hold secret values or payloads. Immutable.
 *
 * @param id the row's id; rows are listed by it, newest first
 * @param requestId the {@code X-Request-Id} the request sent, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEvent(
    String id,
    Instant occurredAt,
    Actor actor,
    String action,
    Target target,
    JsonNode details,
    String requestId) {

  /**
   * Who did it: {@code type} is {@code api_key}, {@code admin}, {@code system}, {@code webhook} or
   * {@code schedule}; for an API key, {@code id} is the key's id and {@code name} its prefix.
   * {@code address} is the client's address as the server saw it.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Actor(String type, String id, String name, String address) {}

  /** What it acted on: {@code type} ({@code run}, {@code task}, {@code schedule}, ...) and id. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Target(String type, String id) {}
}
