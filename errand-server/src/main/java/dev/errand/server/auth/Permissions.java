package dev.errand.server.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one table from request method and path to the {@link Permission} a key needs. The first rule
 * that matches decides; any other path under {@code /api} needs {@link Permission#MANAGE} (an
 * {@code admin} key), so routes added later are closed to restricted keys until a rule opens them.
 * Stateless and thread-safe.
 */
public final class Permissions {

  private record Rule(String method, Pattern path, Permission permission) {
    boolean matches(String requestMethod, String requestPath) {
      return (method.equals("*") || method.equals(requestMethod))
          && path.matcher(requestPath).matches();
    }
  }

  private static final String SEGMENT = "[^/]+";

  private static final List<Rule> RULES =
      List.of(
          rule("POST", "/api/v1/tasks/" + SEGMENT + "/(trigger|batch)", Permission.TRIGGER),
          rule("GET", "/api/v1/runs", Permission.LIST_RUNS),
          rule("GET", "/api/v1/runs/" + SEGMENT + "(/.*)?", Permission.READ_RUN),
          rule("*", "/api/v1/workers(/.*)?", Permission.WORK),
          rule("POST", "/api/v1/waitpoints/tokens", Permission.WAITPOINTS),
          rule("POST", "/api/v1/waitpoints/tokens/" + SEGMENT + "/complete", Permission.WAITPOINTS),
          rule(
              "GET",
              "/api/v1/(queues|schedules|webhooks|waitpoints|bulk-actions|audit|environment"
                  + "|timezones)(/.*)?",
              Permission.READ),
          // the names of an environment's variables, not their values
          rule("GET", "/api/v1/envvars/" + SEGMENT, Permission.READ));

  private Permissions() {}

  private static Rule rule(String method, String path, Permission permission) {
    return new Rule(method, Pattern.compile(path), permission);
  }

  /** The permission a request needs; {@code HEAD} counts as {@code GET}. */
  public static Permission required(String method, String path) {
    String m = method.equals("HEAD") ? "GET" : method;
    for (Rule rule : RULES) {
      if (rule.matches(m, path)) {
        return rule.permission();
      }
    }
    return Permission.MANAGE;
  }
}
