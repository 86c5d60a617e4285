package dev.errand.sdk.internal.worker;

import com.fasterxml.jackson.databind.JavaType;
import dev.errand.sdk.ErrandException;
import dev.errand.sdk.OutboundHttp;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.PayloadSchema;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimedRun;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.TaskRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's moving parts: a claim loop that long-polls for as many runs as there are free slots,
 * one virtual thread per attempt, a {@link Heartbeater} and a {@link ResultReporter}.
 */
public final class WorkerRuntime {
  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration CLAIM_TIMEOUT_MARGIN = Duration.ofSeconds(15);
  private static final Duration SLOT_WAIT = Duration.ofMillis(200);
  private static final Duration GATHER_WINDOW = Duration.ofMillis(2);

  private final HttpTransport transport;
  private final String workerId;
  private final Map<String, Task<?, ?>> tasks = new LinkedHashMap<>();
  private final int maxConcurrency;
  private final Duration pollWait;
  private final Duration shutdownTimeout;
  private final OutboundHttp outbound;
  private final Semaphore slots;
  private final ActiveAttempts active = new ActiveAttempts();
  private final ResultReporter reporter;
  private final Heartbeater heartbeater;
  private final AtomicBoolean running = new AtomicBoolean();
  private final ScheduledExecutorService timer = deadlineTimer();
  private final JavaType claimResponseType = Json.mapper().constructType(ClaimResponse.class);
  private Thread claimThread;

  public WorkerRuntime(
      HttpTransport transport,
      String workerId,
      List<Task<?, ?>> taskList,
      int maxConcurrency,
      Duration pollWait,
      Duration shutdownTimeout,
      OutboundHttp outbound) {
    this.transport = transport;
    this.outbound = outbound;
    this.workerId = workerId;
    taskList.forEach(t -> tasks.put(t.id(), t));
    this.maxConcurrency = maxConcurrency;
    this.pollWait = pollWait;
    this.shutdownTimeout = shutdownTimeout;
    this.slots = new Semaphore(maxConcurrency);
    this.reporter = new ResultReporter(transport, workerId, active);
    this.heartbeater = new Heartbeater(transport, workerId, active);
  }

  /**
   * One platform thread for attempts' maximum durations. Canceled deadlines leave its queue at once
   * (otherwise each would hold its attempt, payload and steps until its time came).
   */
  private static ScheduledExecutorService deadlineTimer() {
    java.util.concurrent.ScheduledThreadPoolExecutor timer =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("errand-deadlines").factory());
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  public String workerId() {
    return workerId;
  }

  public int activeRuns() {
    return active.size();
  }

  public void start() {
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("worker " + workerId + " already started");
    }
    register();
    reporter.start();
    heartbeater.start();
    claimThread =
        Thread.ofPlatform().daemon().name("errand-claim-" + workerId).start(this::claimLoop);
    log.info(
        "Errand worker {} started: tasks {}, max concurrency {}",
        workerId,
        tasks.keySet(),
        maxConcurrency);
  }

  private void register() {
    List<TaskRegistration> registrations = new ArrayList<>();
    for (Task<?, ?> task : tasks.values()) {
      registrations.add(
          new TaskRegistration(
              task.id(),
              task.queue(),
              task.retry(),
              PayloadSchema.of(task.payloadType()),
              task.maxDuration() == null ? null : task.maxDuration().toMillis(),
              task.queueDefinition().concurrencyLimit(),
              task.queueDefinition().rateLimit(),
              task.queueDefinition().rateWindow() == null
                  ? null
                  : task.queueDefinition().rateWindow().toMillis(),
              task.queueDefinition().totalConcurrencyLimit(),
              task.queueDefinition().rateLimitPerKey(),
              task.schedule()
                  .map(
                      s ->
                          new WorkerProtocol.ScheduleDeclaration(
                              s.cron(),
                              s.zone().getId(),
                              s.missedTicks().wire(),
                              s.overlap().wire()))
                  .orElse(null)));
    }
    RegisterResponse response =
        transport.post(
            WorkerProtocol.REGISTER_PATH,
            new RegisterRequest(workerId, registrations),
            RegisterResponse.class);
    heartbeater.setInterval(Duration.ofMillis(response.heartbeatMillis()));
  }

  private void claimLoop() {
    List<String> taskIds = List.copyOf(tasks.keySet());
    Duration backoff = Duration.ofMillis(100);
    while (running.get()) {
      int permits = 0;
      try {
        if (!slots.tryAcquire(SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          continue; // all slots busy: look at `running` again
        }
        permits = 1 + slots.drainPermits();
        permits += gatherMoreSlots(permits);
        ClaimResponse response =
            transport.post(
                WorkerProtocol.CLAIM_PATH,
                new ClaimRequest(workerId, taskIds, permits, pollWait.toMillis()),
                claimResponseType,
                pollWait.plus(CLAIM_TIMEOUT_MARGIN));
        heartbeater.setInterval(Duration.ofMillis(response.heartbeatMillis()));
        // launched even when closing: these runs are leased to this worker now
        for (ClaimedRun run : response.runs()) {
          permits--;
          launch(run);
        }
        backoff = Duration.ofMillis(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ErrandException e) {
        if (!running.get()) {
          break;
        }
        log.warn("claim failed, retrying in {} ms: {}", backoff.toMillis(), e.getMessage());
        sleepQuietly(backoff);
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
      } catch (Throwable t) {
        log.error("claim loop error, continuing", t);
        sleepQuietly(backoff);
      } finally {
        if (permits > 0) {
          slots.release(permits);
        }
      }
    }
  }

  /**
   * When few slots are free because many attempts are about to finish, waits up to {@link
   * #GATHER_WINDOW} for more to free up, so one claim carries many runs instead of a few: a busy
   * worker makes fewer, larger round trips. An idle worker (most slots free) never waits.
   */
  private int gatherMoreSlots(int permits) throws InterruptedException {
    if (permits * 2 >= maxConcurrency || active.size() == 0) {
      return 0;
    }
    long deadline = System.nanoTime() + GATHER_WINDOW.toNanos();
    int gathered = 0;
    while (permits + gathered < maxConcurrency / 2) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        break;
      }
      gathered += 1 + slots.drainPermits();
    }
    return gathered;
  }

  private void launch(ClaimedRun run) {
    Task<?, ?> task = tasks.get(run.taskIdentifier());
    AttemptExecution execution =
        new AttemptExecution(task, run, reporter, slots, transport, workerId, timer, outbound);
    active.add(run, execution);
    Thread.ofVirtual().name("errand-run-" + run.runId()).start(execution);
  }

  @Override
  public String toString() {
    return "WorkerRuntime[" + workerId + "]";
  }

  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    try {
      transport.post(
          WorkerProtocol.STOP_PATH,
          new WorkerProtocol.StopRequest(workerId),
          WorkerProtocol.StopResponse.class);
    } catch (ErrandException e) {
      log.debug("could not tell the server worker {} stops: {}", workerId, e.getMessage());
    }
    stopClaiming();
    try {
      if (!slots.tryAcquire(maxConcurrency, shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "{} attempts still running after {}; interrupting them",
            active.size(),
            shutdownTimeout);
        active.interruptAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      active.interruptAll();
    }
    heartbeater.close();
    reporter.close();
    timer.shutdownNow();
    log.info("Errand worker {} stopped", workerId);
  }

  /**
   * Lets the claim in flight finish rather than interrupting it: runs the server already leased in
   * it would otherwise sit unexecuted until their lease expired. The stop call above makes a
   * waiting claim answer at once.
   */
  private void stopClaiming() {
    if (claimThread == null) {
      return;
    }
    try {
      if (!claimThread.join(pollWait.plus(CLAIM_TIMEOUT_MARGIN))) {
        claimThread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      claimThread.interrupt();
    }
  }

  static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
