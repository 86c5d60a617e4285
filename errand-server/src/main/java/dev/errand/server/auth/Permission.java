package dev.errand.server.auth;

/** What a request needs its key to grant; {@link Permissions} maps each route to one. */
public enum Permission {
  /** Read one run by id (and what hangs under it), to follow a run one started. */
  READ_RUN("read a run by its id"),
  /** List and search runs. */
  LIST_RUNS("list runs"),
  /**
   * Read the environment's queues, schedules, webhooks, tokens, bulk actions, audit, envvar names.
   */
  READ("read the environment's resources"),
  /** Trigger runs (one or a batch). */
  TRIGGER("trigger runs"),
  /** The worker protocol: register, claim, complete, heartbeat, steps. */
  WORK("run a worker"),
  /** Create and complete waitpoint tokens. */
  WAITPOINTS("create and complete waitpoint tokens"),
  /** Everything else: change queues, schedules, webhook endpoints, envvars, cancel and replay. */
  MANAGE("manage the environment");

  private final String description;

  Permission(String description) {
    this.description = description;
  }

  /** What the permission lets a key do, for error messages. */
  public String description() {
    return description;
  }
}
