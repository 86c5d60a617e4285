package dev.errand.sdk.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunError;
import java.util.List;

/**
 * The messages between workers and the server (JSON over HTTP, {@code /api/v1/workers/...}).
 * Internal: may change between versions together with the server.
 */
public final class WorkerProtocol {
  public static final String REGISTER_PATH = "/api/v1/workers/register";
  public static final String CLAIM_PATH = "/api/v1/workers/claim";
  public static final String COMPLETE_PATH = "/api/v1/workers/complete";
  public static final String HEARTBEAT_PATH = "/api/v1/workers/heartbeat";
  public static final String STOP_PATH = "/api/v1/workers/stop";

  private WorkerProtocol() {}

  /** A task definition as a worker registers it. */
  public record TaskRegistration(
      String id, String queue, RetryPolicy retry, JsonNode payloadSchema) {}

  public record RegisterRequest(String workerId, List<TaskRegistration> tasks) {}

  /** How many tasks were registered, and the lease timing the worker should heartbeat by. */
  public record RegisterResponse(int registered, long leaseMillis, long heartbeatMillis) {}

  /**
   * Asks for up to {@code max} runs of {@code tasks}, waiting up to {@code waitMillis} for one to
   * become due (long polling).
   */
  public record ClaimRequest(String workerId, List<String> tasks, int max, long waitMillis) {}

  public record ClaimedRun(
      String runId,
      String taskIdentifier,
      JsonNode payload,
      int attempt,
      long leaseToken,
      List<String> tags) {}

  /**
   * The runs claimed, and how long each lease lasts without a heartbeat.
   *
   * @param heartbeatMillis how often the worker should heartbeat
   */
  public record ClaimResponse(List<ClaimedRun> runs, long leaseMillis, long heartbeatMillis) {}

  /** The outcome of one attempt: {@code output} when it succeeded, else {@code error}. */
  public record AttemptResult(
      String runId,
      String taskIdentifier,
      long leaseToken,
      int attempt,
      boolean success,
      JsonNode output,
      RunError error) {}

  public record CompleteRequest(String workerId, List<AttemptResult> results) {}

  /** Run ids whose result was refused because the lease was no longer the worker's. */
  public record CompleteResponse(List<String> rejected) {}

  public record Lease(String runId, long leaseToken) {}

  public record HeartbeatRequest(String workerId, List<Lease> leases) {}

  /** Run ids whose lease the worker lost (canceled, expired, finished): stop working on them. */
  public record HeartbeatResponse(List<String> lost) {}

  /**
   * A worker is shutting down: its waiting claims return empty at once instead of taking runs
   * nobody would execute.
   */
  public record StopRequest(String workerId) {}

  public record StopResponse(boolean stopped) {}
}
