package dev.errand.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * What a running task knows about its run. One instance per attempt; use it only from the thread
 * that runs the attempt.
 */
public interface TaskContext {
  /** The run's id, such as {@code run_01JD...}. */
  String runId();

  /** The task's id, such as {@code process-order}. */
  String taskIdentifier();

  /** The 1-based number of this attempt. */
  int attempt();

  /** The run's tags. */
  List<String> tags();

  /**
   * A logger for this run. Its lines carry the run id, task and attempt in the MDC ({@code runId},
   * {@code taskIdentifier}, {@code attempt}).
   */
  Logger logger();

  /**
   * Whether the run was canceled, its lease lost, or this attempt ran past its maximum duration; a
   * long task should stop when true.
   */
  boolean isCancelled();

  /**
   * The worker's HTTP client for calls out of the task. It refuses loopback, private, link-local,
   * CGNAT and cloud-metadata addresses (after DNS resolution, on every redirect) unless the
   * worker's outbound allow-list ({@code ERRAND_OUTBOUND_ALLOW}, {@link
   * ErrandWorker.Builder#outboundAllow}) lets them through; a refused request throws {@link
   * OutboundRefusedException}, which fails the run without retries. Shared by the worker's
   * attempts; do not close it. Wrap calls with side effects in a {@link #step}.
   */
  OutboundHttp http();

  // --- durable execution ------------------------------------------------------------------

  /**
   * Runs {@code block} once and records its result (as JSON) durably before returning it. On any
   * later attempt of this run (retry, crash recovery, timeout, resume after a wait) the recorded
   * result is returned without running the block. A step is identified by its name and how many
   * steps of that name came before it, so steps in loops work.
   *
   * @throws NonDeterminismException when an earlier attempt recorded a different step at this point
   * @throws Exception whatever the block threw (after the step's retries, if it has a policy)
   */
  <T> T step(String name, Class<T> type, StepBlock<T> block) throws Exception;

  /** {@link #step(String, Class, StepBlock)} with options, such as a retry policy of the step. */
  <T> T step(String name, StepOptions options, Class<T> type, StepBlock<T> block) throws Exception;

  /** A step without a result: runs {@code block} once, and never again once recorded. */
  void step(String name, StepAction block) throws Exception;

  /** {@link #step(String, StepAction)} with options. */
  void step(String name, StepOptions options, StepAction block) throws Exception;

  /**
   * The step whose block is running on this thread, with its idempotency key.
   *
   * @throws IllegalStateException outside a step's block
   */
  StepInfo currentStep();

  /**
   * Suspends the run for {@code duration}: it becomes {@code WAITING}, frees its worker slot, and
   * resumes on some worker when the time is up, also across server restarts. Recorded like a step,
   * so a resumed run does not wait again. Implemented by unwinding the attempt's stack: do not
   * catch {@link Throwable} around it.
   */
  void waitFor(Duration duration);

  /** {@link #waitFor(Duration)} until a point in time. */
  void waitUntil(Instant time);

  /**
   * Creates a waitpoint token (recorded as a step: a resumed run gets the same token back).
   *
   * @param timeout how long until the token times out; null for never
   */
  WaitToken createToken(Duration timeout);

  /**
   * Suspends the run until token {@code tokenId} is completed or times out, then returns the data
   * it was completed with (read as {@code type}) or a timeout. Recorded like a step.
   */
  <T> TokenResult<T> waitForToken(String tokenId, Class<T> type);

  /**
   * Triggers one child run of {@code task} and suspends this run until the child finishes. The
   * waiting parent holds no worker or queue slot. Prefer {@link Task#triggerAndWait}.
   */
  <P, O> RunResult<O> triggerAndWait(Task<P, O> task, P payload, TriggerOptions options);

  /**
   * Triggers one child run per payload and suspends this run until all finish; results are in
   * payload order. Prefer {@link Task#batchTriggerAndWait}.
   */
  <P, O> List<RunResult<O>> batchTriggerAndWait(
      Task<P, O> task, List<P> payloads, TriggerOptions options);
}
