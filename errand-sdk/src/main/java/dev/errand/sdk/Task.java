package dev.errand.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task definition: an id, typed payload and output, a retry policy, a queue and the function to
 * run. Define it once, as a constant, and use it both to register with a worker and to trigger.
 *
 * <pre>{@code
 * static final Task<Order, Receipt> PROCESS_ORDER =
 *     Task.define("process-order", Order.class, Receipt.class)
 *         .retry(RetryPolicy.exponential().maxAttempts(5).build())
 *         .run((order, ctx) -> new Receipt(order.orderId(), charge(order)));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <P> the payload type (usually a record)
 * @param <O> the output type (usually a record; {@code Void} for none)
 */
public final class Task<P, O> {
  /** Task ids: 1 to 128 characters, letters, digits, and {@code - _ . :}, starting alphanumeric. */
  public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /** The queue a task runs on unless it names one: {@value}. */
  public static final String DEFAULT_QUEUE = "default";

  private final String id;
  private final Class<P> payloadType;
  private final Class<O> outputType;
  private final RetryPolicy retry;
  private final Queue queue;
  private final Duration maxDuration;
  private final TaskFunction<P, O> function;
  private final Schedule schedule;

  private Task(Builder<P, O> b, TaskFunction<P, O> function) {
    this(b, function, null);
  }

  private Task(Builder<P, O> b, TaskFunction<P, O> function, Schedule schedule) {
    this.id = b.id;
    this.payloadType = b.payloadType;
    this.outputType = b.outputType;
    this.retry = b.retry;
    this.queue = b.queue;
    this.maxDuration = b.maxDuration;
    this.function = function;
    this.schedule = schedule;
  }

  /** Starts the definition of a task. */
  public static <P, O> Builder<P, O> define(String id, Class<P> payloadType, Class<O> outputType) {
    return new Builder<>(id, payloadType, outputType);
  }

  /**
   * Starts the definition of a task that a schedule declared in code runs: {@code
   * Task.scheduled("daily-report").cron("0 9 * * 1-5", ZoneId.of("Europe/Paris")).run((event, ctx)
   * -> { ...; return null; })}. Its payload is a {@link ScheduledEvent}.
   */
  public static ScheduledBuilder scheduled(String id) {
    return new ScheduledBuilder(id);
  }

  public String id() {
    return id;
  }

  /** The schedule declared with {@link #scheduled}, if any. */
  public java.util.Optional<Schedule> schedule() {
    return java.util.Optional.ofNullable(schedule);
  }

  public Class<P> payloadType() {
    return payloadType;
  }

  public Class<O> outputType() {
    return outputType;
  }

  public RetryPolicy retry() {
    return retry;
  }

  /** The name of the queue this task's runs go to. */
  public String queue() {
    return queue.name();
  }

  /** The queue this task's runs go to, with its concurrency limit. */
  public Queue queueDefinition() {
    return queue;
  }

  /** How long one attempt may run before it is interrupted; null for no limit. */
  public Duration maxDuration() {
    return maxDuration;
  }

  public TaskFunction<P, O> function() {
    return function;
  }

  /**
   * From inside another task's {@code run}: triggers a child run of this task and suspends the
   * calling run until the child finishes. The parent holds no worker or queue slot meanwhile, so a
   * parent and its children on one queue cannot deadlock. Recorded like a step: a resumed parent
   * gets the same child's result and triggers nothing new. Canceling the parent cancels the child.
   */
  public RunResult<O> triggerAndWait(TaskContext ctx, P payload) {
    return ctx.triggerAndWait(this, payload, TriggerOptions.NONE);
  }

  /** {@link #triggerAndWait(TaskContext, Object)} with trigger options for the child. */
  public RunResult<O> triggerAndWait(TaskContext ctx, P payload, TriggerOptions options) {
    return ctx.triggerAndWait(this, payload, options);
  }

  /**
   * Triggers one child run per payload (at most 1,000) and suspends the calling run until all have
   * finished; the results are in payload order.
   */
  public List<RunResult<O>> batchTriggerAndWait(TaskContext ctx, List<P> payloads) {
    return ctx.batchTriggerAndWait(this, payloads, TriggerOptions.NONE);
  }

  /** {@link #batchTriggerAndWait(TaskContext, List)} with options applied to every child. */
  public List<RunResult<O>> batchTriggerAndWait(
      TaskContext ctx, List<P> payloads, TriggerOptions options) {
    return ctx.batchTriggerAndWait(this, payloads, options);
  }

  @Override
  public String toString() {
    return "Task[" + id + "]";
  }

  /** Builds a {@link Task}; {@link #run} finishes it. Not thread-safe. */
  public static final class Builder<P, O> {
    private final String id;
    private final Class<P> payloadType;
    private final Class<O> outputType;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Queue queue = Queue.named(DEFAULT_QUEUE);
    private Duration maxDuration;

    private Builder(String id, Class<P> payloadType, Class<O> outputType) {
      Objects.requireNonNull(id, "task id");
      if (!ID_PATTERN.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "task id must match " + ID_PATTERN.pattern() + ", was '" + id + "'");
      }
      this.id = id;
      this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
      this.outputType = Objects.requireNonNull(outputType, "outputType");
    }

    /** The retry policy. Default {@link RetryPolicy#DEFAULT}. */
    public Builder<P, O> retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The queue this task's runs go to, without a limit. Default {@value Task#DEFAULT_QUEUE}. */
    public Builder<P, O> queue(String queue) {
      this.queue = Queue.named(queue);
      return this;
    }

    /** The queue this task's runs go to, with its concurrency limit. */
    public Builder<P, O> queue(Queue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * How long one attempt may run. A longer attempt is interrupted and counts as a failed attempt;
     * the next one resumes from the last recorded step. When timeouts use up the attempts, the run
     * ends {@code TIMED_OUT}. Overridable per trigger. Default: no limit.
     */
    public Builder<P, O> maxDuration(Duration maxDuration) {
      Objects.requireNonNull(maxDuration, "maxDuration");
      if (maxDuration.isNegative() || maxDuration.isZero()) {
        throw new IllegalArgumentException("maxDuration must be positive but was " + maxDuration);
      }
      this.maxDuration = maxDuration;
      return this;
    }

    /** Sets the function to run and returns the finished task. */
    public Task<P, O> run(TaskFunction<P, O> function) {
      return new Task<>(this, Objects.requireNonNull(function, "function"));
    }
  }

  /**
   * Builds a scheduled {@link Task} ({@link Task#scheduled}): a cron expression and the task's
   * settings; {@link #run} finishes it. Not thread-safe.
   */
  public static final class ScheduledBuilder {
    private final Builder<ScheduledEvent, Void> task;
    private String cron;
    private java.time.ZoneId zone = java.time.ZoneId.of("UTC");
    private Schedule.MissedTicks missedTicks = Schedule.MissedTicks.SKIP;
    private Schedule.Overlap overlap = Schedule.Overlap.ALLOW;

    private ScheduledBuilder(String id) {
      this.task = new Builder<>(id, ScheduledEvent.class, Void.class);
    }

    /** The cron expression, read in UTC. Required (this or {@link #cron(String, ZoneId)}). */
    public ScheduledBuilder cron(String expression) {
      return cron(expression, java.time.ZoneId.of("UTC"));
    }

    /** The cron expression, read in {@code zone} (daylight saving included). */
    public ScheduledBuilder cron(String expression, java.time.ZoneId zone) {
      this.cron = Objects.requireNonNull(expression, "cron");
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /** What fires after downtime over ticks. Default {@link Schedule.MissedTicks#SKIP}. */
    public ScheduledBuilder missedTicks(Schedule.MissedTicks missedTicks) {
      this.missedTicks = Objects.requireNonNull(missedTicks, "missedTicks");
      return this;
    }

    /** Whether a tick may start while the last one runs. Default {@link Schedule.Overlap#ALLOW}. */
    public ScheduledBuilder overlap(Schedule.Overlap overlap) {
      this.overlap = Objects.requireNonNull(overlap, "overlap");
      return this;
    }

    /** The retry policy. Default {@link RetryPolicy#DEFAULT}. */
    public ScheduledBuilder retry(RetryPolicy retry) {
      task.retry(retry);
      return this;
    }

    /** The queue this task's runs go to. */
    public ScheduledBuilder queue(Queue queue) {
      task.queue(queue);
      return this;
    }

    /** How long one attempt may run (see {@link Builder#maxDuration}). */
    public ScheduledBuilder maxDuration(Duration maxDuration) {
      task.maxDuration(maxDuration);
      return this;
    }

    /** Sets the function to run on each tick and returns the finished task. */
    public Task<ScheduledEvent, Void> run(TaskFunction<ScheduledEvent, Void> function) {
      if (cron == null) {
        throw new IllegalStateException("a scheduled task needs cron(...) before run(...)");
      }
      return new Task<>(
          task,
          Objects.requireNonNull(function, "function"),
          new Schedule(cron, zone, missedTicks, overlap));
    }
  }
}
