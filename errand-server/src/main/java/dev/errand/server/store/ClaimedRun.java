package dev.errand.server.store;

import java.util.List;
import java.util.UUID;

/**
 * A run a claim handed to a worker, with its new attempt number and lease token, how long the
 * attempt may run (0: no limit) and the steps earlier attempts recorded, by position.
 */
public record ClaimedRun(
    UUID runId,
    String taskId,
    String payloadJson,
    int attempt,
    long leaseToken,
    List<String> tags,
    long maxDurationMillis,
    List<StepRecord> steps) {

  public ClaimedRun withSteps(List<StepRecord> recorded) {
    return new ClaimedRun(
        runId, taskId, payloadJson, attempt, leaseToken, tags, maxDurationMillis, recorded);
  }
}
