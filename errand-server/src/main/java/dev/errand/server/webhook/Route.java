package dev.errand.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where an endpoint sends a verified delivery: one run of {@code task} when {@code filter} matches.
 * A delivery can match several routes and then creates one run per route.
 *
 * @param task the task id
 * @param filter which deliveries the route takes (headers and JSON-pointer body fields)
 * @param payload what the run receives: the {@code WebhookEvent} ({@link Payload#EVENT}, the
 *     default) or the parsed body itself, mapped onto the task's payload type ({@link
 *     Payload#BODY})
 */
public record Route(String task, RouteFilter filter, Payload payload) {

  /** Most routes an endpoint has: {@value}. */
  public static final int MAX_ROUTES = 20;

  /** What a route's run receives. */
  public enum Payload {
    EVENT,
    BODY;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Route {
    if (task == null || !Task.ID_PATTERN.matcher(task).matches()) {
      throw new IllegalArgumentException(
          "a route's task must match " + Task.ID_PATTERN.pattern() + ", was '" + task + "'");
    }
    filter = filter == null ? RouteFilter.matchAll() : filter;
    payload = payload == null ? Payload.EVENT : payload;
  }

  /** Routes from their JSON array ({@code [{"task": ..., "filter": {...}, "payload": ...}]}). */
  public static List<Route> listFromJson(JsonNode routes) {
    if (routes == null || routes.isNull()) {
      return List.of();
    }
    if (!routes.isArray() || routes.size() > MAX_ROUTES) {
      throw new IllegalArgumentException(
          "routes must be an array of at most " + MAX_ROUTES + " routes");
    }
    List<Route> parsed = new ArrayList<>(routes.size());
    for (int i = 0; i < routes.size(); i++) {
      JsonNode route = routes.get(i);
      String at = "routes[" + i + "]";
      if (!route.isObject()) {
        throw new IllegalArgumentException(at + " must be an object");
      }
      route
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (!Set.of("task", "filter", "payload").contains(name)) {
                  throw new IllegalArgumentException(
                      at + " has an unknown field '" + name + "' (task, filter, payload)");
                }
              });
      JsonNode task = route.get("task");
      JsonNode payload = route.get("payload");
      if (payload != null
          && !payload.isNull()
          && !(payload.isTextual() && Set.of("event", "body").contains(payload.asText()))) {
        throw new IllegalArgumentException(
            at + ".payload must be \"event\" or \"body\", was " + payload);
      }
      try {
        parsed.add(
            new Route(
                task == null || !task.isTextual() ? null : task.asText(),
                RouteFilter.fromJson(route.get("filter")),
                payload == null || payload.isNull()
                    ? Payload.EVENT
                    : Payload.valueOf(payload.asText().toUpperCase(Locale.ROOT))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(parsed);
  }

  /** The routes as their JSON array. */
  public static ArrayNode listToJson(List<Route> routes) {
    ArrayNode array = Json.mapper().createArrayNode();
    for (Route route : routes) {
      ObjectNode node = array.addObject().put("task", route.task());
      ObjectNode filter = route.filter().toJson();
      if (!filter.isEmpty()) {
        node.set("filter", filter);
      }
      node.put("payload", route.payload().wire());
    }
    return array;
  }
}
