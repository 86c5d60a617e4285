package dev.errand.sdk.internal.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RunError;
import dev.errand.sdk.Task;
import dev.errand.sdk.TaskContext;
import dev.errand.sdk.TaskFunction;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.protocol.WorkerProtocol.AttemptResult;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimedRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One attempt of one run, executed on its own virtual thread. */
final class AttemptExecution implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(AttemptExecution.class);
  static final int MAX_STACK_TRACE_CHARS = 32_768;
  static final int MAX_MESSAGE_CHARS = 8_192;

  private final Task<?, ?> task;
  private final ClaimedRun run;
  private final ResultReporter reporter;
  private final Semaphore slots;
  private volatile boolean cancelled;
  private volatile Thread thread;

  AttemptExecution(Task<?, ?> task, ClaimedRun run, ResultReporter reporter, Semaphore slots) {
    this.task = task;
    this.run = run;
    this.reporter = reporter;
    this.slots = slots;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    MDC.put("runId", run.runId());
    MDC.put("taskIdentifier", run.taskIdentifier());
    MDC.put("attempt", Integer.toString(run.attempt()));
    AttemptResult result;
    try {
      result = execute();
    } catch (Throwable t) { // never leave a run EXECUTING with nobody to report it
      result = failure(t);
    } finally {
      MDC.clear();
      slots.release();
    }
    if (cancelled) {
      log.info(
          "run {} attempt {} stopped: its lease was lost or it was canceled",
          run.runId(),
          run.attempt());
      return;
    }
    reporter.submit(result);
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
    try {
      output = invoke(task.function(), payload, new Context());
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return failure(t);
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
        run.runId(), run.taskIdentifier(), run.leaseToken(), run.attempt(), true, json, null);
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
        toError(t));
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

  private final class Context implements TaskContext {
    private final Logger logger = LoggerFactory.getLogger("errand.task." + task.id());

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
      return cancelled;
    }
  }
}
