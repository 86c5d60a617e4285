package dev.errand.server.engine;

import dev.errand.sdk.Queue;
import dev.errand.server.store.QueueRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import java.util.List;

/**
 * Reading queues and operating them at run time: pause and resume, override the concurrency limit
 * and reset it, and the environment's cap on executing runs. A queue change applies to every claim
 * that starts after it, on every node (claims read the queue's settings each time); a change of the
 * environment's cap applies at once on this node and within {@link EnvironmentLimits#FRESHNESS} on
 * the others. Thread-safe.
 */
public final class Queues {
  private final Store store;
  private final Wakeups wakeups;
  private final EnvironmentLimits environmentLimits;

  Queues(Store store, Wakeups wakeups, EnvironmentLimits environmentLimits) {
    this.store = store;
    this.wakeups = wakeups;
    this.environmentLimits = environmentLimits;
  }

  /** The environment's cap on executing runs across all its queues, or null for none. */
  public Integer environmentLimit(Environment env) {
    return store.environmentConcurrencyLimit(env.id());
  }

  /**
   * Sets (or, with null, removes) the environment's cap on executing runs across all its queues.
   *
   * @throws EngineException 400 for a limit outside 1..{@link Queue#MAX_CONCURRENCY_LIMIT}
   */
  public Integer setEnvironmentLimit(Environment env, Integer limit) {
    if (limit != null && (limit < 1 || limit > Queue.MAX_CONCURRENCY_LIMIT)) {
      throw EngineException.badRequest(
          "invalid_limit",
          "limit must be from 1 to " + Queue.MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    environmentLimits.set(env.id(), limit);
    wake(env);
    return limit;
  }

  public List<QueueRecord> list(Environment env) {
    return store.listQueues(env.id());
  }

  /**
   * @throws EngineException 404 when the environment has no such queue
   */
  public QueueRecord get(Environment env, String name) {
    return store.findQueue(env.id(), name).orElseThrow(() -> notFound(env, name));
  }

  /** Paused: claims start none of its runs; executing runs finish. */
  public QueueRecord pause(Environment env, String name) {
    if (!store.setQueuePaused(env.id(), name, true)) {
      throw notFound(env, name);
    }
    return get(env, name);
  }

  public QueueRecord resume(Environment env, String name) {
    if (!store.setQueuePaused(env.id(), name, false)) {
      throw notFound(env, name);
    }
    wake(env);
    return get(env, name);
  }

  /** Overrides the limit its tasks declare until {@link #resetConcurrencyLimit}. */
  public QueueRecord overrideConcurrencyLimit(Environment env, String name, int limit) {
    if (limit < 1 || limit > Queue.MAX_CONCURRENCY_LIMIT) {
      throw EngineException.badRequest(
          "invalid_limit",
          "limit must be from 1 to " + Queue.MAX_CONCURRENCY_LIMIT + ", was " + limit);
    }
    if (!store.setQueueLimitOverride(env.id(), name, limit)) {
      throw notFound(env, name);
    }
    wake(env);
    return get(env, name);
  }

  /** Back to the limit the queue's tasks declare. */
  public QueueRecord resetConcurrencyLimit(Environment env, String name) {
    if (!store.setQueueLimitOverride(env.id(), name, null)) {
      throw notFound(env, name);
    }
    wake(env);
    return get(env, name);
  }

  /** Claims waiting on this and other nodes look again: runs may start now. */
  private void wake(Environment env) {
    wakeups.signal(env.id());
    store.announceDue(env.id());
  }

  private static EngineException notFound(Environment env, String name) {
    return EngineException.notFound(
        "queue_not_found",
        "no queue '"
            + name
            + "' in environment "
            + env.slug()
            + " (a queue exists once a worker registers a task that uses it)");
  }
}
