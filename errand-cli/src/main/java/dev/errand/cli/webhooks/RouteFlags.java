package dev.errand.cli.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code --route}, {@code --filter-header} and {@code --filter-body} into the API's {@code
 * routes} array. The syntax:
 *
 * <ul>
 *   <li>{@code --route TASK[:event|:body]}: one route per flag; the run's payload is the webhook
 *       event (the default) or the parsed body.
 *   <li>{@code --filter-header [TASK:]Name=Value}: the route takes deliveries whose header equals
 *       the value.
 *   <li>{@code --filter-body [TASK:]/json/pointer=value}: the same for a body field.
 * </ul>
 *
 * {@code TASK:} may be left out when there is one route. Conditions on different keys must all
 * match; the same key given twice accepts either value. The value is everything after the first
 * {@code =}.
 */
final class RouteFlags {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private RouteFlags() {}

  /** The routes array; IllegalArgumentException with a message for people when a flag is wrong. */
  static ArrayNode toJson(
      List<String> routes, List<String> headerFilters, List<String> bodyFilters) {
    Map<String, ObjectNode> byTask = new LinkedHashMap<>();
    for (String route : routes) {
      String task = route;
      String payload = null;
      int colon = route.lastIndexOf(':');
      if (colon > 0) {
        String suffix = route.substring(colon + 1);
        if (suffix.equals("event") || suffix.equals("body")) {
          task = route.substring(0, colon);
          payload = suffix;
        }
      }
      if (task.isBlank()) {
        throw new IllegalArgumentException("--route needs a task id, was '" + route + "'");
      }
      ObjectNode node = JSON.objectNode().put("task", task);
      if (payload != null) {
        node.put("payload", payload);
      }
      if (byTask.put(task, node) != null) {
        throw new IllegalArgumentException(
            "--route "
                + task
                + " is given twice; for two routes to one task with different filters, use"
                + " --from-file");
      }
    }
    for (String filter : headerFilters) {
      Condition c = condition("--filter-header", filter, false, byTask);
      add(route(byTask, c.task, "--filter-header", filter), "headers", c.key, c.value);
    }
    for (String filter : bodyFilters) {
      Condition c = condition("--filter-body", filter, true, byTask);
      add(route(byTask, c.task, "--filter-body", filter), "body", c.key, c.value);
    }
    ArrayNode array = JSON.arrayNode();
    byTask.values().forEach(array::add);
    return array;
  }

  private record Condition(String task, String key, String value) {}

  private static Condition condition(
      String flag, String text, boolean pointer, Map<String, ObjectNode> routes) {
    int eq = pointer ? text.indexOf('=', Math.max(0, text.indexOf('/'))) : text.indexOf('=');
    String syntax =
        pointer
            ? "[TASK:]/json/pointer=value, e.g. /type=checkout.session.completed"
            : "[TASK:]Header-Name=value, e.g. X-GitHub-Event=push";
    if (eq < 0) {
      throw new IllegalArgumentException(flag + " '" + text + "': expected " + syntax);
    }
    String left = text.substring(0, eq);
    String value = text.substring(eq + 1);
    String task = null;
    String key = left;
    if (pointer) {
      int slash = left.indexOf('/');
      if (slash < 0 || (slash > 0 && left.charAt(slash - 1) != ':')) {
        throw new IllegalArgumentException(
            flag
                + " '"
                + text
                + "': the field is a JSON pointer starting with /; expected "
                + syntax);
      }
      if (slash > 0) {
        task = left.substring(0, slash - 1);
        key = left.substring(slash);
      }
    } else {
      int colon = left.lastIndexOf(':');
      if (colon >= 0) {
        task = left.substring(0, colon);
        key = left.substring(colon + 1);
      }
    }
    if (key.isBlank() || (task != null && task.isBlank())) {
      throw new IllegalArgumentException(flag + " '" + text + "': expected " + syntax);
    }
    if (task == null) {
      if (routes.size() != 1) {
        throw new IllegalArgumentException(
            flag
                + " '"
                + text
                + "': "
                + (routes.isEmpty()
                    ? "give a --route first"
                    : "name the route it filters, as TASK:" + text));
      }
      task = routes.keySet().iterator().next();
    }
    return new Condition(task, key, value);
  }

  private static ObjectNode route(
      Map<String, ObjectNode> routes, String task, String flag, String text) {
    ObjectNode route = routes.get(task);
    if (route == null) {
      throw new IllegalArgumentException(
          flag + " '" + text + "': no --route " + task + " (routes: " + routes.keySet() + ")");
    }
    return route;
  }

  /** Adds {@code key = value} to the filter; a second value for the key makes a list. */
  private static void add(ObjectNode route, String section, String key, String value) {
    ObjectNode conditions = route.withObjectProperty("filter").withObjectProperty(section);
    JsonNode existing = conditions.get(key);
    if (existing == null) {
      conditions.put(key, value);
    } else if (existing.isArray()) {
      ((ArrayNode) existing).add(value);
    } else {
      conditions.putArray(key).add(existing).add(value);
    }
  }
}
