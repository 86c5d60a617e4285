package dev.errand.sdk;

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

  /** Whether the run was canceled or its lease lost; a long task should stop when true. */
  boolean isCancelled();
}
