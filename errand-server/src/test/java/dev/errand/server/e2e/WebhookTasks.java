package dev.errand.server.e2e;

import dev.errand.sdk.Task;
import dev.errand.sdk.WebhookEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Tasks webhook routes start; each keeps what it received, by task. */
final class WebhookTasks {
  private WebhookTasks() {}

  static final Map<String, List<Object>> RECEIVED = new ConcurrentHashMap<>();

  static List<Object> received(String task) {
    return RECEIVED.computeIfAbsent(task, t -> new CopyOnWriteArrayList<>());
  }

  /** A Stripe event's body, mapped onto a record ({@code "payload": "body"} routes). */
  record StripeEvent(String id, String type, Data data) {
    record Data(Session object) {}

    record Session(String id, long amount_total) {}
  }

  static Task<WebhookEvent, Void> events(String id) {
    return Task.define(id, WebhookEvent.class, Void.class)
        .run(
            (event, ctx) -> {
              received(id).add(event);
              return null;
            });
  }

  static Task<StripeEvent, Void> stripeBodies(String id) {
    return Task.define(id, StripeEvent.class, Void.class)
        .run(
            (event, ctx) -> {
              received(id).add(event);
              return null;
            });
  }
}
