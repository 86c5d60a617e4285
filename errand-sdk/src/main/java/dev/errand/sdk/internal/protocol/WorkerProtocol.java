package dev.errand.sdk.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunError;
import dev.errand.sdk.TriggerOptions;
import java.time.Instant;
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
  public static final String STEP_PATH = "/api/v1/workers/steps";

  /** {@code GET}: the environment's variables, decrypted ({@link EnvResponse}). */
  public static final String ENV_PATH = "/api/v1/workers/env";

  /** Step kinds: a block's result, a timed wait, a wait on a token, a wait on child runs. */
  public static final String STEP = "STEP";

  public static final String WAIT = "WAIT";
  public static final String TOKEN = "TOKEN";
  public static final String CHILDREN = "CHILDREN";

  /** Step statuses. */
  public static final String COMPLETED = "COMPLETED";

  public static final String FAILED = "FAILED";
  public static final String WAITING = "WAITING";

  private WorkerProtocol() {}

  /** A task definition as a worker registers it. */
  public record TaskRegistration(
      String id,
      String queue,
      RetryPolicy retry,
      JsonNode payloadSchema,
      Long maxDurationMillis,
      Integer concurrencyLimit,
      Integer rateLimit,
      Long rateWindowMillis,
      Integer totalConcurrencyLimit,
      Boolean rateLimitPerKey,
      ScheduleDeclaration schedule) {}

  /**
   * The schedule a task declares in code ({@code Task.scheduled(...)}), or null for none: the
   * server creates or updates the task's declarative schedule when a worker registers it, and
   * deactivates it once a registration no longer declares one.
   *
   * @param missedTicks {@code skip}, {@code none} or {@code all}; null for the default
   * @param overlap {@code allow} or {@code skip}; null for the default
   */
  public record ScheduleDeclaration(
      String cron, String timezone, String missedTicks, String overlap) {}

  public record RegisterRequest(String workerId, List<TaskRegistration> tasks) {}

  /** How many tasks were registered, and the lease timing the worker should heartbeat by. */
  public record RegisterResponse(int registered, long leaseMillis, long heartbeatMillis) {}

  /**
   * Asks for up to {@code max} runs of {@code tasks}, waiting up to {@code waitMillis} for one to
   * become due (long polling).
   */
  public record ClaimRequest(String workerId, List<String> tasks, int max, long waitMillis) {}

  /**
   * A claimed run. {@code steps} are what earlier attempts recorded, by position; {@code
   * maxDurationMillis} is 0 when an attempt may run without limit.
   */
  public record ClaimedRun(
      String runId,
      String taskIdentifier,
      JsonNode payload,
      int attempt,
      long leaseToken,
      List<String> tags,
      long maxDurationMillis,
      List<RecordedStep> steps) {}

  /**
   * A step an earlier attempt recorded. A {@code CHILDREN} step's output is an array of {@link
   * ChildOutcome}; a {@code TOKEN} step's output is a {@link TokenOutcome}.
   */
  public record RecordedStep(
      int position, String name, int index, String kind, String status, JsonNode output) {}

  /** How one child run ended, as a parent's {@code CHILDREN} step records it. */
  public record ChildOutcome(String runId, String status, JsonNode output, RunError error) {}

  /** How a wait on a token ended, as the {@code TOKEN} step records it. */
  public record TokenOutcome(String tokenId, boolean ok, JsonNode output) {}

  /**
   * A step's result, recorded before the task goes on. Refused (not {@code accepted}) when the
   * lease is no longer the worker's; a {@code COMPLETED} step is never overwritten.
   */
  public record StepReport(
      String workerId,
      String runId,
      long leaseToken,
      int attempt,
      int position,
      String name,
      int index,
      String status,
      JsonNode output,
      RunError error,
      Instant startedAt,
      int tries) {}

  public record StepReportResponse(boolean accepted) {}

  /**
   * An attempt that stops to wait: at {@code position} the run waits {@code delayMillis} from now
   * by the server's clock, or until {@code resumeAt} ({@code WAIT}), for token {@code tokenId}
   * ({@code TOKEN}) or for {@code children} it triggers ({@code CHILDREN}).
   */
  public record Suspension(
      int position,
      String name,
      int index,
      String kind,
      Instant resumeAt,
      Long delayMillis,
      String tokenId,
      List<ChildTrigger> children) {}

  /** A child run to trigger as part of a {@link Suspension}. */
  public record ChildTrigger(String task, JsonNode payload, TriggerOptions options) {}

  /**
   * The runs claimed, and how long each lease lasts without a heartbeat.
   *
   * @param heartbeatMillis how often the worker should heartbeat
   * @param envVersion the version of the environment's variables now (null from a server without
   *     them): a worker whose copy is of another version fetches {@link #ENV_PATH} before it runs
   *     the claimed runs
   */
  public record ClaimResponse(
      List<ClaimedRun> runs, long leaseMillis, long heartbeatMillis, Long envVersion) {}

  /**
   * The environment's variables at {@code version}. Held in the worker's memory only; never part of
   * a payload, an output or a log line.
   */
  public record EnvResponse(long version, java.util.Map<String, String> values) {
    @Override
    public String toString() {
      return "EnvResponse[version=" + version + ", names=" + values.keySet() + "]";
    }
  }

  /**
   * The outcome of one attempt: {@code output} when it succeeded, {@code suspension} when it
   * stopped to wait, else {@code error}.
   */
  public record AttemptResult(
      String runId,
      String taskIdentifier,
      long leaseToken,
      int attempt,
      boolean success,
      JsonNode output,
      RunError error,
      Suspension suspension) {}

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
