package dev.errand.server.audit;

import java.util.Locale;
import java.util.Objects;

/**
 * Who did an audited action: its type, its id and the name shown for it (for an API key today: the
 * key's id and its prefix), and the client address it came from (null when not over HTTP).
 * Immutable.
 */
public record Actor(Type type, String id, String name, String address) {

  /** The kinds of actor. */
  public enum Type {
    /** A request authenticated by an environment's API key. */
    API_KEY,
    /** An administrator (admin API). */
    ADMIN,
    /** The server itself (background duties). */
    SYSTEM,
    /** A webhook endpoint whose delivery started runs. */
    WEBHOOK,
    /** A schedule whose tick started a run. */
    SCHEDULE;

    /** The name stored and shown: {@code api_key}, {@code admin}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Actor {
    Objects.requireNonNull(type, "type");
  }

  /** The server itself. */
  public static Actor system() {
    return new Actor(Type.SYSTEM, null, "errand-server", null);
  }
}
