package dev.errand.server.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The actions the audit log records, each with the name stored and shown ({@link #wireName}). */
public enum AuditAction {
  RUN_TRIGGERED("run.triggered"),
  RUN_CANCELED("run.canceled"),
  RUN_REPLAYED("run.replayed"),
  RUN_RETRIED("run.retried"),
  BULK_CANCEL_CREATED("bulk_cancel.created"),
  BULK_REPLAY_CREATED("bulk_replay.created"),
  SCHEDULE_CREATED("schedule.created"),
  SCHEDULE_UPDATED("schedule.updated"),
  SCHEDULE_DELETED("schedule.deleted"),
  SCHEDULE_ACTIVATED("schedule.activated"),
  SCHEDULE_DEACTIVATED("schedule.deactivated"),
  WEBHOOK_ENDPOINT_CREATED("webhook_endpoint.created"),
  WEBHOOK_ENDPOINT_UPDATED("webhook_endpoint.updated"),
  WEBHOOK_ENDPOINT_DELETED("webhook_endpoint.deleted"),
  WEBHOOK_ENDPOINT_ENABLED("webhook_endpoint.enabled"),
  WEBHOOK_ENDPOINT_DISABLED("webhook_endpoint.disabled"),
  WEBHOOK_ENDPOINT_SECRET_ROTATED("webhook_endpoint.secret_rotated"),
  WEBHOOK_DELIVERY_REPLAYED("webhook_delivery.replayed"),
  QUEUE_PAUSED("queue.paused"),
  QUEUE_RESUMED("queue.resumed"),
  QUEUE_CONCURRENCY_OVERRIDDEN("queue.concurrency_overridden"),
  QUEUE_CONCURRENCY_RESET("queue.concurrency_reset"),
  ENVIRONMENT_CONCURRENCY_SET("environment.concurrency_set"),
  ENVIRONMENT_CONCURRENCY_RESET("environment.concurrency_reset"),
  TOKEN_COMPLETED("waitpoint_token.completed"),
  KEY_CREATED("api_key.created"),
  KEY_REVOKED("api_key.revoked"),
  ENVVAR_SET("envvar.set"),
  ENVVAR_DELETED("envvar.deleted");

  private final String wireName;

  AuditAction(String wireName) {
    this.wireName = wireName;
  }

  /** The name stored in {@code audit_log.action} and used by the API: {@code run.triggered}. */
  public String wireName() {
    return wireName;
  }

  /** The action with this wire name. */
  public static Optional<AuditAction> fromWireName(String name) {
    return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
  }

  /** All wire names, in declaration order. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(AuditAction::wireName).toList();
  }
}
