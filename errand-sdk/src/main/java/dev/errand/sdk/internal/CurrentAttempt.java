package dev.errand.sdk.internal;

import dev.errand.sdk.IdempotencyKeyScope;
import dev.errand.sdk.TriggerOptions;

/**
 * The attempt the current thread executes, if any: set by the worker around a task's body, so that
 * a trigger from inside a task can scope its idempotency key to the triggering run.
 *
 * <p>Thread-confined: a task's own thread only (threads the task starts do not inherit it).
 */
public final class CurrentAttempt {
  private static final ThreadLocal<Attempt> CURRENT = new ThreadLocal<>();

  private record Attempt(String runId, int number) {}

  private CurrentAttempt() {}

  /** Marks the current thread as executing attempt {@code number} of {@code runId}. */
  public static void enter(String runId, int number) {
    CURRENT.set(new Attempt(runId, number));
  }

  public static void exit() {
    CURRENT.remove();
  }

  /**
   * The options with their idempotency key scoped as {@link TriggerOptions#idempotencyKeyScope()}
   * says: prefixed with the triggering run's id ({@code RUN}, the default inside a task), with the
   * run's id and attempt ({@code ATTEMPT}), or unchanged ({@code GLOBAL}, or outside a task).
   */
  public static TriggerOptions scope(TriggerOptions options) {
    Attempt attempt = CURRENT.get();
    if (attempt == null || options.idempotencyKey() == null) {
      return options;
    }
    IdempotencyKeyScope scope =
        options.idempotencyKeyScope() == null
            ? IdempotencyKeyScope.RUN
            : options.idempotencyKeyScope();
    return switch (scope) {
      case GLOBAL -> options;
      case RUN -> options.withIdempotencyKey(attempt.runId() + "/" + options.idempotencyKey());
      case ATTEMPT ->
          options.withIdempotencyKey(
              attempt.runId() + "/" + attempt.number() + "/" + options.idempotencyKey());
    };
  }
}
