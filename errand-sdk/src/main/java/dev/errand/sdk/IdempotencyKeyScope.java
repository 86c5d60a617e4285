package dev.errand.sdk;

/**
 * What an idempotency key is unique within when a task triggers another run (outside a task every
 * key is {@link #GLOBAL}).
 */
public enum IdempotencyKeyScope {
  /**
   * The triggering run: every attempt of it (a retry, a resume after a wait) gets the run the first
   * attempt triggered, while another run with the same key triggers its own. The default.
   */
  RUN,
  /** The triggering run's current attempt: a retry triggers a new run. */
  ATTEMPT,
  /** The whole environment: any trigger of the task with the key, from anywhere. */
  GLOBAL
}
