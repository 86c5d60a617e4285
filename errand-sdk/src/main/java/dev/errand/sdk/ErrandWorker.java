package dev.errand.sdk;

import dev.errand.sdk.internal.worker.WorkerRuntime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs tasks for an Errand server: registers its tasks, long-polls for runs of them, executes each
 * run on its own virtual thread, heartbeats while they run and reports their outcomes in batches.
 * It talks to the server only over HTTP with the client's secret key.
 *
 * <pre>{@code
 * try (ErrandWorker worker = ErrandWorker.builder()
 *     .client(ErrandClient.fromEnvironment())
 *     .register(PROCESS_ORDER)
 *     .maxConcurrency(100)
 *     .build()) {
 *   worker.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops taking runs, waits up to the shutdown timeout for running
 * ones to finish, then interrupts them (their runs are retried elsewhere once their lease lapses).
 */
public final class ErrandWorker implements AutoCloseable {
  /** Runs executed at once unless set: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENCY = 100;

  /** How long one claim request waits on the server for a run: 20 seconds. */
  public static final Duration DEFAULT_POLL_WAIT = Duration.ofSeconds(20);

  /** How long {@link #close()} waits for running attempts: 30 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private final WorkerRuntime runtime;
  private final OutboundHttp outbound;

  private ErrandWorker(Builder b, OutboundHttp outbound) {
    this.outbound = outbound;
    this.runtime =
        new WorkerRuntime(
            b.client.transport(),
            b.workerId,
            List.copyOf(b.tasks.values()),
            b.maxConcurrency,
            b.pollWait,
            b.shutdownTimeout,
            outbound);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers the tasks with the server and starts taking runs.
   *
   * @throws ErrandException when the server cannot be reached or refuses the registration
   */
  public void start() {
    runtime.start();
  }

  /** This worker's id, as recorded on the attempts it runs. */
  public String workerId() {
    return runtime.workerId();
  }

  /** Attempts running now. */
  public int activeRuns() {
    return runtime.activeRuns();
  }

  /** The HTTP client tasks get from {@link TaskContext#http()}. */
  public OutboundHttp outboundHttp() {
    return outbound;
  }

  @Override
  public void close() {
    try {
      runtime.close();
    } finally {
      outbound.close();
    }
  }

  /** Builds an {@link ErrandWorker}. Not thread-safe. */
  public static final class Builder {
    private ErrandClient client;
    private final Map<String, Task<?, ?>> tasks = new LinkedHashMap<>();
    private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
    private Duration pollWait = DEFAULT_POLL_WAIT;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private String workerId = defaultWorkerId();
    private final List<String> outboundAllow = new ArrayList<>();

    private Builder() {}

    /** The client whose server and secret key the worker uses. Required. */
    public Builder client(ErrandClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Tasks this worker runs; it takes runs of these tasks only. */
    public Builder register(Task<?, ?>... newTasks) {
      for (Task<?, ?> task : newTasks) {
        Task<?, ?> previous = tasks.putIfAbsent(task.id(), task);
        if (previous != null && previous != task) {
          throw new IllegalArgumentException("two tasks share the id '" + task.id() + "'");
        }
      }
      return this;
    }

    /** Most attempts run at once. Default {@value #DEFAULT_MAX_CONCURRENCY}. */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1 || maxConcurrency > 10_000) {
        throw new IllegalArgumentException(
            "maxConcurrency must be between 1 and 10000, was " + maxConcurrency);
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /** How long one claim waits on the server when no run is due. Default 20 s. */
    public Builder pollWait(Duration pollWait) {
      if (pollWait.isNegative() || pollWait.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("pollWait must be between 0 and 60s, was " + pollWait);
      }
      this.pollWait = pollWait;
      return this;
    }

    /** How long {@link #close()} waits for running attempts. Default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /** The worker's id. Default: host name, process id and a random suffix. */
    public Builder workerId(String workerId) {
      this.workerId = Objects.requireNonNull(workerId, "workerId");
      return this;
    }

    /**
     * Adds entries to the allow-list of the HTTP client tasks get from {@link TaskContext#http()}:
     * addresses, CIDR ranges, host names or {@code *.domain}, each optionally with {@code :port}
     * (see {@link OutboundPolicy}). The entries of {@value OutboundPolicy#ALLOW_ENV}
     * (comma-separated) are added to these when the worker is built.
     *
     * @throws IllegalArgumentException naming an entry that does not parse
     */
    public Builder outboundAllow(String... entries) {
      OutboundPolicy.allowing(List.of(entries));
      outboundAllow.addAll(List.of(entries));
      return this;
    }

    /**
     * Builds the worker.
     *
     * @throws IllegalArgumentException when no client or task is set, or an outbound allow-list
     *     entry (also from {@value OutboundPolicy#ALLOW_ENV}) does not parse
     */
    public ErrandWorker build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("register at least one task");
      }
      List<String> fromEnvironment = OutboundPolicy.allowListFromEnvironment();
      try {
        OutboundPolicy.allowing(fromEnvironment);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(OutboundPolicy.ALLOW_ENV + ": " + e.getMessage(), e);
      }
      OutboundHttp outbound =
          OutboundHttp.builder()
              .allow(fromEnvironment.toArray(String[]::new))
              .allow(outboundAllow.toArray(String[]::new))
              .build();
      return new ErrandWorker(this, outbound);
    }

    private static String defaultWorkerId() {
      String vm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
      return vm + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
