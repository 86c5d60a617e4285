package dev.errand.sdk;

import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.util.StringJoiner;

/**
 * The environment's audit log, read-only: who triggered, canceled, replayed or retried runs,
 * changed schedules, webhook endpoints, queues and limits, and when. Get it from {@link
 * ErrandClient#audit()}. Thread-safe.
 *
 * <p>The server refuses a bad filter with an {@link ErrandApiException} 400 {@code invalid_query}.
 */
public final class AuditLog {
  private static final String AUDIT = "/api/v1/audit";

  private final HttpTransport transport;

  AuditLog(HttpTransport transport) {
    this.transport = transport;
  }

  /** The rows matching the query, newest first. */
  public AuditPage list(AuditQuery query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    Runs.add(q, "action", query.action());
    Runs.add(q, "actorId", query.actorId());
    Runs.add(q, "actorName", query.actorName());
    Runs.add(q, "targetType", query.targetType());
    Runs.add(q, "targetId", query.targetId());
    Runs.add(q, "since", query.since());
    Runs.add(q, "until", query.until());
    Runs.add(q, "limit", query.limit());
    Runs.add(q, "cursor", query.cursor());
    return transport.get(AUDIT + q, Json.mapper().constructType(AuditPage.class));
  }
}
