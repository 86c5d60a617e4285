package dev.errand.server.audit;

import java.util.Objects;

/**
 * What an audited action acted on: a type ({@code run}, {@code task}, {@code schedule}, ...) and
 * the public id or name of the object (null when the action has no single target). Immutable.
 */
public record AuditTarget(String type, String id) {

  public AuditTarget {
    Objects.requireNonNull(type, "type");
  }

  public static AuditTarget run(String runId) {
    return new AuditTarget("run", runId);
  }

  public static AuditTarget task(String taskId) {
    return new AuditTarget("task", taskId);
  }

  public static AuditTarget schedule(String scheduleId) {
    return new AuditTarget("schedule", scheduleId);
  }

  public static AuditTarget webhookEndpoint(String endpointId) {
    return new AuditTarget("webhook_endpoint", endpointId);
  }

  public static AuditTarget webhookDelivery(String deliveryId) {
    return new AuditTarget("webhook_delivery", deliveryId);
  }

  public static AuditTarget queue(String name) {
    return new AuditTarget("queue", name);
  }

  public static AuditTarget environment(String slug) {
    return new AuditTarget("environment", slug);
  }

  public static AuditTarget waitpointToken(String tokenId) {
    return new AuditTarget("waitpoint_token", tokenId);
  }

  public static AuditTarget bulkAction(String actionId) {
    return new AuditTarget("bulk_action", actionId);
  }

  public static AuditTarget apiKey(String keyId) {
    return new AuditTarget("api_key", keyId);
  }

  public static AuditTarget envvar(String name) {
    return new AuditTarget("envvar", name);
  }
}
