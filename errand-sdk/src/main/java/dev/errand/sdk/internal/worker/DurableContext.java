package dev.errand.sdk.internal.worker;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.ErrandException;
import dev.errand.sdk.NonDeterminismException;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.OutboundHttp;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunError;
import dev.errand.sdk.RunResult;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.StepAction;
import dev.errand.sdk.StepBlock;
import dev.errand.sdk.StepInfo;
import dev.errand.sdk.StepOptions;
import dev.errand.sdk.Task;
import dev.errand.sdk.TaskContext;
import dev.errand.sdk.TokenResult;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.WaitToken;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ChildOutcome;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ChildTrigger;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimedRun;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RecordedStep;
import dev.errand.sdk.internal.protocol.WorkerProtocol.StepReport;
import dev.errand.sdk.internal.protocol.WorkerProtocol.StepReportResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Suspension;
import dev.errand.sdk.internal.protocol.WorkerProtocol.TokenOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskContext} of one attempt: replays the steps earlier attempts recorded, in order,
 * and records new ones before they return. Positions count every step and wait the code reaches; a
 * step's identity is its name and its index among steps of that name.
 */
final class DurableContext implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(DurableContext.class);
  private static final Duration FIRST_REPORT_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_REPORT_BACKOFF = Duration.ofSeconds(5);

  /** Sends of a failed step's record, which is informative only: the attempt fails anyway. */
  private static final int QUIET_REPORT_SENDS = 4;

  private static final String CREATE_TOKEN = "createToken";
  private static final String WAIT_NAME = "wait";
  private static final String TOKEN_NAME = "waitForToken";

  private final ClaimedRun run;
  private final Task<?, ?> task;
  private final HttpTransport transport;
  private final String workerId;
  private final BooleanSupplier cancelled;
  private final OutboundHttp outbound;
  private final Logger logger;
  private final ObjectMapper mapper = Json.mapper();
  private final List<RecordedStep> recorded;
  private final Map<String, Integer> occurrences = new HashMap<>();
  private int position;
  private StepInfo current;
  private SuspendSignal suspended;

  DurableContext(
      ClaimedRun run,
      Task<?, ?> task,
      HttpTransport transport,
      String workerId,
      BooleanSupplier cancelled,
      OutboundHttp outbound) {
    this.run = run;
    this.task = task;
    this.transport = transport;
    this.workerId = workerId;
    this.cancelled = cancelled;
    this.outbound = outbound;
    this.logger = LoggerFactory.getLogger("errand.task." + task.id());
    this.recorded = run.steps() == null ? List.of() : run.steps();
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public String taskIdentifier() {
    return run.taskIdentifier();
  }

  @Override
  public int attempt() {
    return run.attempt();
  }

  @Override
  public List<String> tags() {
    return run.tags() == null ? List.of() : run.tags();
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public boolean isCancelled() {
    return cancelled.getAsBoolean();
  }

  @Override
  public OutboundHttp http() {
    return outbound;
  }

  // --- steps ---------------------------------------------------------------------------------

  @Override
  public <T> T step(String name, Class<T> type, StepBlock<T> block) throws Exception {
    return step(name, StepOptions.NONE, type, block);
  }

  @Override
  public void step(String name, StepAction block) throws Exception {
    step(name, StepOptions.NONE, block);
  }

  @Override
  public void step(String name, StepOptions options, StepAction block) throws Exception {
    Objects.requireNonNull(block, "block");
    step(
        name,
        options,
        Void.class,
        () -> {
          block.run();
          return null;
        });
  }

  @Override
  public <T> T step(String name, StepOptions options, Class<T> type, StepBlock<T> block)
      throws Exception {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(block, "block");
    Objects.requireNonNull(options, "options");
    Slot slot = next(name, WorkerProtocol.STEP);
    if (slot.completed() != null) {
      return read(slot.completed().output(), mapper.constructType(type), slot);
    }
    RetryPolicy retry = options.retry();
    Instant startedAt = Instant.now();
    for (int tries = 1; ; tries++) {
      current =
          new StepInfo(
              name,
              slot.index(),
              slot.position(),
              run.runId() + ":" + name + ":" + slot.index(),
              tries);
      T value;
      try {
        value = block.run();
      } catch (SuspendSignal | LeaseLostSignal signal) {
        throw signal;
      } catch (Exception e) {
        current = null;
        boolean again =
            retry != null
                && tries < retry.maxAttempts()
                && !(e instanceof NonRetryableException)
                && !(e instanceof InterruptedException)
                && !isCancelled();
        if (again) {
          Duration delay = retry.delayAfter(tries, ThreadLocalRandom.current()::nextDouble);
          logger.warn(
              "step '{}' try {} failed, retrying in {} ms: {}",
              name,
              tries,
              delay.toMillis(),
              e.toString());
          Thread.sleep(delay);
          continue;
        }
        reportQuietly(
            slot, WorkerProtocol.FAILED, null, AttemptExecution.toError(e), startedAt, tries);
        throw e;
      } finally {
        current = null;
      }
      JsonNode json;
      try {
        json = mapper.valueToTree(value);
      } catch (IllegalArgumentException e) {
        throw new NonRetryableException(
            "result of step '" + name + "' does not serialize to JSON: " + e.getMessage(), e);
      }
      report(slot, WorkerProtocol.COMPLETED, json, null, startedAt, tries);
      return value;
    }
  }

  @Override
  public StepInfo currentStep() {
    if (current == null) {
      throw new IllegalStateException("currentStep() is only available inside a step's block");
    }
    return current;
  }

  // --- waits ---------------------------------------------------------------------------------

  @Override
  public void waitFor(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative but was " + duration);
    }
    Slot slot = next(WAIT_NAME, WorkerProtocol.WAIT);
    if (slot.completed() == null) {
      // the server adds the duration to its clock: a worker's clock may be off
      throw pending(
          new SuspendSignal(
              new Suspension(
                  slot.position(),
                  slot.name(),
                  slot.index(),
                  WorkerProtocol.WAIT,
                  null,
                  duration.toMillis(),
                  null,
                  null)));
    }
  }

  @Override
  public void waitUntil(Instant time) {
    Objects.requireNonNull(time, "time");
    waitUntil(time, WAIT_NAME);
  }

  private void waitUntil(Instant time, String name) {
    Slot slot = next(name, WorkerProtocol.WAIT);
    if (slot.completed() != null) {
      return;
    }
    throw suspend(slot, WorkerProtocol.WAIT, time, null, null);
  }

  @Override
  public WaitToken createToken(Duration timeout) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive but was " + timeout);
    }
    try {
      return step(
          CREATE_TOKEN,
          WaitToken.class,
          () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            if (timeout != null) {
              body.put("timeout", timeout.toString());
            }
            body.put("idempotencyKey", currentStep().idempotencyKey());
            return transport.post("/api/v1/waitpoints/tokens", body, WaitToken.class);
          });
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new ErrandException("could not create a token: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> TokenResult<T> waitForToken(String tokenId, Class<T> type) {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(type, "type");
    Slot slot = next(TOKEN_NAME, WorkerProtocol.TOKEN);
    if (slot.completed() == null) {
      throw suspend(slot, WorkerProtocol.TOKEN, null, tokenId, null);
    }
    TokenOutcome outcome =
        read(slot.completed().output(), mapper.constructType(TokenOutcome.class), slot);
    if (!outcome.ok()) {
      return TokenResult.timedOut(outcome.tokenId());
    }
    return TokenResult.completed(
        outcome.tokenId(), read(outcome.output(), mapper.constructType(type), slot));
  }

  // --- child runs ----------------------------------------------------------------------------

  @Override
  public <P, O> RunResult<O> triggerAndWait(Task<P, O> child, P payload, TriggerOptions options) {
    return batchTriggerAndWait(child, java.util.Collections.singletonList(payload), options)
        .getFirst();
  }

  @Override
  public <P, O> List<RunResult<O>> batchTriggerAndWait(
      Task<P, O> child, List<P> payloads, TriggerOptions options) {
    Objects.requireNonNull(child, "task");
    Objects.requireNonNull(payloads, "payloads");
    if (payloads.isEmpty()) {
      return List.of();
    }
    if (payloads.size() > 1_000) {
      throw new IllegalArgumentException(
          "a batch holds at most 1000 children, got " + payloads.size());
    }
    Slot slot = next("trigger:" + child.id(), WorkerProtocol.CHILDREN);
    if (slot.completed() == null) {
      List<ChildTrigger> triggers = new ArrayList<>(payloads.size());
      for (P payload : payloads) {
        triggers.add(
            new ChildTrigger(
                child.id(),
                mapper.valueToTree(payload),
                options == null ? TriggerOptions.NONE : options));
      }
      throw suspend(slot, WorkerProtocol.CHILDREN, null, null, triggers);
    }
    List<ChildOutcome> outcomes =
        read(
            slot.completed().output(),
            mapper.getTypeFactory().constructCollectionType(List.class, ChildOutcome.class),
            slot);
    JavaType outputType = mapper.constructType(child.outputType());
    List<RunResult<O>> results = new ArrayList<>(outcomes.size());
    for (ChildOutcome o : outcomes) {
      RunStatus status = RunStatus.valueOf(o.status());
      O output = status == RunStatus.COMPLETED ? read(o.output(), outputType, slot) : null;
      RunError error =
          status == RunStatus.COMPLETED
              ? null
              : o.error() != null
                  ? o.error()
                  : new RunError("dev.errand.Run" + status, "child run ended " + status, "", true);
      results.add(new RunResult<>(o.runId(), status, output, error));
    }
    return results;
  }

  // --- replay --------------------------------------------------------------------------------

  /** The next position: its recorded result when an earlier attempt completed it. */
  private record Slot(int position, String name, int index, RecordedStep completed) {}

  private Slot next(String name, String kind) {
    if (suspended != null) {
      throw suspended;
    }
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 256) {
      throw new IllegalArgumentException(
          "step name must be 1 to 256 characters, was '" + name + "'");
    }
    if (current != null) {
      throw new IllegalStateException(
          "'"
              + name
              + "' was reached inside step '"
              + current.name()
              + "': steps and waits cannot be nested in a step's block");
    }
    int index = occurrences.merge(name, 1, Integer::sum) - 1;
    int at = position++;
    RecordedStep before = at < recorded.size() ? recorded.get(at) : null;
    if (before != null && before.position() != at) {
      before = recorded.stream().filter(s -> s.position() == at).findFirst().orElse(null);
    }
    if (before != null
        && !(before.name().equals(name) && before.index() == index && before.kind().equals(kind))) {
      throw new NonDeterminismException(
          "run "
              + run.runId()
              + " reached "
              + describe(kind, name, index)
              + " at position "
              + at
              + ", but an earlier attempt recorded "
              + describe(before.kind(), before.name(), before.index())
              + " there. Steps must run in the same order on every attempt: the task's code"
              + " changed, or it chooses steps by something other than its payload and step"
              + " results.");
    }
    boolean done = before != null && WorkerProtocol.COMPLETED.equals(before.status());
    return new Slot(at, name, index, done ? before : null);
  }

  private static String describe(String kind, String name, int index) {
    String what =
        switch (kind) {
          case WorkerProtocol.WAIT -> "wait";
          case WorkerProtocol.TOKEN -> "token wait";
          case WorkerProtocol.CHILDREN -> "child-run wait";
          default -> "step";
        };
    return what + " '" + name + "' #" + index;
  }

  private <T> T read(JsonNode json, JavaType type, Slot slot) {
    try {
      if (json == null || json.isNull()) {
        return null;
      }
      return mapper.treeToValue(json, type);
    } catch (Exception e) {
      throw new NonRetryableException(
          "the recorded result of '"
              + slot.name()
              + "' #"
              + slot.index()
              + " does not read as "
              + type
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private SuspendSignal suspend(
      Slot slot, String kind, Instant resumeAt, String tokenId, List<ChildTrigger> children) {
    return pending(
        new SuspendSignal(
            new Suspension(
                slot.position(),
                slot.name(),
                slot.index(),
                kind,
                resumeAt,
                null,
                tokenId,
                children)));
  }

  /**
   * Remembers the wait the attempt stopped at. Task code that catches the signal (a {@code catch
   * (Throwable t)}, a wrapper exception) cannot make the run go on without waiting: every later
   * call on this context throws it again, and the attempt reports the wait whatever the task then
   * returns or throws.
   */
  private SuspendSignal pending(SuspendSignal signal) {
    suspended = signal;
    return signal;
  }

  /** The wait this attempt stopped at, if it did. */
  SuspendSignal suspended() {
    return suspended;
  }

  // --- recording -----------------------------------------------------------------------------

  private void report(
      Slot slot, String status, JsonNode output, RunError error, Instant startedAt, int tries) {
    report(slot, status, output, error, startedAt, tries, Integer.MAX_VALUE);
  }

  /**
   * Records a step under the attempt's lease. A server that cannot be reached is asked again, up to
   * {@code maxSends} times, and for a completed step until it answers: the lease may well outlive
   * an outage (a server restart), and a result not recorded would make a later attempt run the step
   * again.
   */
  private void report(
      Slot slot,
      String status,
      JsonNode output,
      RunError error,
      Instant startedAt,
      int tries,
      int maxSends) {
    StepReport report =
        new StepReport(
            workerId,
            run.runId(),
            run.leaseToken(),
            run.attempt(),
            slot.position(),
            slot.name(),
            slot.index(),
            status,
            output,
            error,
            startedAt,
            tries);
    Duration backoff = FIRST_REPORT_BACKOFF;
    for (int sends = 1; ; sends++) {
      ErrandException last;
      try {
        StepReportResponse response =
            transport.post(WorkerProtocol.STEP_PATH, report, StepReportResponse.class);
        if (!response.accepted()) {
          throw new LeaseLostSignal(run.runId());
        }
        return;
      } catch (dev.errand.sdk.ErrandApiException e) {
        if (e.status() >= 400
            && e.status() < 500
            && e.status() != 401 // a key being rotated, a proxy's hiccup: worth asking again
            && e.status() != 408
            && e.status() != 429) {
          throw new NonRetryableException(
              "the server refused the result of step '" + slot.name() + "': " + e.getMessage(), e);
        }
        last = e;
      } catch (ErrandException e) {
        last = e;
      }
      // Unanswered: try again unless the worker gave up on this attempt meanwhile (its lease was
      // reported lost, it timed out, the worker shuts down).
      if (cancelled.getAsBoolean()) {
        throw new LeaseLostSignal(run.runId());
      }
      if (Thread.currentThread().isInterrupted() || sends >= maxSends) {
        throw new ErrandException(
            "could not record step '"
                + slot.name()
                + "' #"
                + slot.index()
                + ": "
                + last.getMessage(),
            last);
      }
      if (sends == 1 || backoff.equals(MAX_REPORT_BACKOFF)) {
        logger.warn(
            "recording step '{}' failed, retrying in {} ms: {}",
            slot.name(),
            backoff.toMillis(),
            last.getMessage());
      }
      WorkerRuntime.sleepQuietly(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_REPORT_BACKOFF) > 0
              ? MAX_REPORT_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private void reportQuietly(
      Slot slot, String status, JsonNode output, RunError error, Instant startedAt, int tries) {
    try {
      report(slot, status, output, error, startedAt, tries, QUIET_REPORT_SENDS);
    } catch (RuntimeException | LeaseLostSignal e) {
      log.debug("could not record the failure of step '{}': {}", slot.name(), e.toString());
    }
  }
}
