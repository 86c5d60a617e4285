package dev.errand.sdk.internal.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.OutboundHttp;
import dev.errand.sdk.RunError;
import dev.errand.sdk.Task;
import dev.errand.sdk.TaskContext;
import dev.errand.sdk.TaskFunction;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol.AttemptResult;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimedRun;
import dev.errand.sdk.internal.protocol.WorkerProtocol.Suspension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One attempt of one run, executed on its own virtual thread. */
final class AttemptExecution implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(AttemptExecution.class);
  static final int MAX_STACK_TRACE_CHARS = 32_768;
  static final int MAX_MESSAGE_CHARS = 8_192;

  /** The error type of an attempt interrupted at its maximum duration. */
  public static final String MAX_DURATION_EXCEEDED = "dev.errand.MaxDurationExceeded";

  private final Task<?, ?> task;
  private final ClaimedRun run;
  private final ResultReporter reporter;
  private final Semaphore slots;
  private final HttpTransport transport;
  private final String workerId;
  private final ScheduledExecutorService timer;
  private final OutboundHttp outbound;
  private final AtomicBoolean reported = new AtomicBoolean();

  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int TIMED_OUT = 2;

  /** Whether the body ended first or its maximum duration passed first; decided once. */
  private final java.util.concurrent.atomic.AtomicInteger phase =
      new java.util.concurrent.atomic.AtomicInteger(RUNNING);

  /** How long a timed-out attempt's thread may take to stop before the timeout is reported. */
  static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private volatile boolean cancelled;
  private volatile boolean timedOut;
  private volatile Thread thread;

  AttemptExecution(
      Task<?, ?> task,
      ClaimedRun run,
      ResultReporter reporter,
      Semaphore slots,
      HttpTransport transport,
      String workerId,
      ScheduledExecutorService timer,
      OutboundHttp outbound) {
    this.task = task;
    this.run = run;
    this.reporter = reporter;
    this.slots = slots;
    this.transport = transport;
    this.workerId = workerId;
    this.timer = timer;
    this.outbound = outbound;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    MDC.put("runId", run.runId());
    MDC.put("taskIdentifier", run.taskIdentifier());
    MDC.put("attempt", Integer.toString(run.attempt()));
    ScheduledFuture<?> deadline =
        run.maxDurationMillis() > 0
            ? timer.schedule(this::timeOut, run.maxDurationMillis(), TimeUnit.MILLISECONDS)
            : null;
    AttemptResult result;
    try {
      result = execute();
    } catch (Throwable t) { // never leave a run EXECUTING with nobody to report it
      result = failure(t);
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
      MDC.clear();
      slots.release();
    }
    if (!phase.compareAndSet(RUNNING, DONE)) {
      reportTimeout(); // it timed out: the timeout is its result, whatever the body returned
      return;
    }
    if (cancelled) {
      log.info(
          "run {} attempt {} stopped: its lease was lost or it was canceled",
          run.runId(),
          run.attempt());
      return;
    }
    if (reported.compareAndSet(false, true)) {
      reporter.submit(result);
    }
  }

  /**
   * The attempt ran past its maximum duration: interrupt it, and report the timeout once its thread
   * ends, so that the retry does not overlap with it. A task that ignores the interrupt gets {@link
   * #STOP_GRACE} to end; then the timeout is reported anyway (before the server's own deadline,
   * which is 5 s past the maximum duration) and the thread finishes unobserved, its later writes
   * refused by the lease token.
   */
  private void timeOut() {
    if (cancelled || !phase.compareAndSet(RUNNING, TIMED_OUT)) {
      return;
    }
    timedOut = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
    log.warn(
        "run {} attempt {} exceeded its maximum duration of {}: interrupted",
        run.runId(),
        run.attempt(),
        Duration.ofMillis(run.maxDurationMillis()));
    timer.schedule(this::reportTimeout, STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reportTimeout() {
    if (!reported.compareAndSet(false, true)) {
      return;
    }
    reporter.submit(
        new AttemptResult(
            run.runId(),
            run.taskIdentifier(),
            run.leaseToken(),
            run.attempt(),
            false,
            null,
            new RunError(
                MAX_DURATION_EXCEEDED,
                "attempt "
                    + run.attempt()
                    + " ran longer than its maximum duration of "
                    + Duration.ofMillis(run.maxDurationMillis())
                    + " and was interrupted",
                "",
                false),
            null));
  }

  private AttemptResult execute() {
    Object payload;
    try {
      ObjectReader reader =
          Json.mapper()
              .readerFor(task.payloadType())
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      payload = reader.readValue(run.payload());
    } catch (Exception e) {
      return failure(
          new NonRetryableException(
              "payload does not deserialize into "
                  + task.payloadType().getName()
                  + ": "
                  + e.getMessage(),
              e));
    }
    Object output;
    DurableContext ctx =
        new DurableContext(run, task, transport, workerId, () -> cancelled || timedOut, outbound);
    dev.errand.sdk.internal.CurrentAttempt.enter(run.runId(), run.attempt());
    try {
      output = invoke(task.function(), payload, ctx);
    } catch (SuspendSignal s) {
      return suspended(s.suspension());
    } catch (LeaseLostSignal lost) {
      cancelled = true;
      return failure(lost);
    } catch (Throwable t) {
      if (ctx.suspended() != null) {
        return suspended(ctx.suspended().suspension()); // the task wrapped or replaced the signal
      }
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return failure(t);
    } finally {
      dev.errand.sdk.internal.CurrentAttempt.exit();
    }
    if (ctx.suspended() != null) {
      return suspended(ctx.suspended().suspension()); // the task caught the signal and returned
    }
    JsonNode json;
    try {
      json = Json.mapper().valueToTree(output);
    } catch (Exception e) {
      return failure(
          new NonRetryableException(
              "output of type "
                  + output.getClass().getName()
                  + " does not serialize to JSON: "
                  + e.getMessage(),
              e));
    }
    return new AttemptResult(
        run.runId(), run.taskIdentifier(), run.leaseToken(), run.attempt(), true, json, null, null);
  }

  private AttemptResult suspended(Suspension suspension) {
    return new AttemptResult(
        run.runId(),
        run.taskIdentifier(),
        run.leaseToken(),
        run.attempt(),
        false,
        null,
        null,
        suspension);
  }

  @SuppressWarnings("unchecked")
  private static <P, O> O invoke(TaskFunction<P, O> fn, Object payload, TaskContext ctx)
      throws Exception {
    return fn.run((P) payload, ctx);
  }

  private AttemptResult failure(Throwable t) {
    return new AttemptResult(
        run.runId(),
        run.taskIdentifier(),
        run.leaseToken(),
        run.attempt(),
        false,
        null,
        toError(t),
        null);
  }

  /** The stored form of a failure; never throws, whatever the throwable's methods do. */
  static RunError toError(Throwable t) {
    String type = t.getClass().getName();
    String message;
    String stack;
    try {
      message = t.getMessage();
    } catch (Throwable broken) {
      message = "(getMessage() threw " + broken.getClass().getName() + ")";
    }
    try {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      stack = trace.toString();
    } catch (Throwable broken) {
      StringBuilder frames = new StringBuilder(type);
      for (StackTraceElement frame : t.getStackTrace()) {
        frames.append("\n\tat ").append(frame);
      }
      stack = frames.toString();
    }
    if (stack.length() > MAX_STACK_TRACE_CHARS) {
      stack = stack.substring(0, MAX_STACK_TRACE_CHARS) + "\n\t... (truncated)";
    }
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "... (truncated)";
    }
    return new RunError(type, message, stack, t instanceof NonRetryableException);
  }

  void cancel() {
    cancelled = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
