package dev.errand.sdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.concurrent.locks.LockSupport;

/** The runs part of the API; get it from {@link ErrandClient#runs()}. Thread-safe. */
public final class Runs {
  private static final Duration AWAIT_POLL_INTERVAL = Duration.ofMillis(50);

  private final HttpTransport transport;
  private final ObjectMapper mapper = Json.mapper();
  private final JavaType runType =
      mapper.getTypeFactory().constructType(new TypeReference<Run<JsonNode>>() {});

  Runs(HttpTransport transport) {
    this.transport = transport;
  }

  /** The run with this id, its output as JSON. */
  public Run<JsonNode> get(String runId) {
    return transport.get("/api/v1/runs/" + encode(runId), runType);
  }

  /** The run a trigger returned, its output typed. */
  public <O> Run<O> get(RunHandle<O> handle) {
    return typed(get(handle.id()), handle.outputType());
  }

  /** Runs matching the query, newest first. */
  public RunPage list(RunQuery query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    add(q, "status", query.status());
    add(q, "taskIdentifier", query.taskIdentifier());
    add(q, "tag", query.tag());
    add(q, "from", query.from());
    add(q, "to", query.to());
    add(q, "limit", query.limit());
    add(q, "cursor", query.cursor());
    add(q, "scheduleId", query.scheduleId());
    return transport.get("/api/v1/runs" + q, mapper.constructType(RunPage.class));
  }

  /** Cancels a run that has not finished; returns it as it is after the cancel. */
  public Run<JsonNode> cancel(String runId) {
    return transport.post(
        "/api/v1/runs/" + encode(runId) + "/cancel",
        mapper.createObjectNode(),
        runType,
        Duration.ofSeconds(30));
  }

  /**
   * Moves the due time of a {@code DELAYED} run to {@code delay} from now.
   *
   * @throws ErrandApiException 409 ({@code run_not_delayed}) when the run is not delayed
   */
  public Run<JsonNode> reschedule(String runId, Duration delay) {
    return transport.post(
        "/api/v1/runs/" + encode(runId) + "/reschedule",
        mapper.createObjectNode().put("delay", delay.toString()),
        runType,
        Duration.ofSeconds(30));
  }

  /** Triggers a new run of the same task with the same payload; returns the new run's id. */
  public String replay(String runId) {
    return transport
        .post(
            "/api/v1/runs/" + encode(runId) + "/replay", mapper.createObjectNode(), JsonNode.class)
        .path("id")
        .asText();
  }

  /**
   * Triggers a new run of the same task with an edited payload (validated like a trigger's);
   * returns the new run's id.
   */
  public String replay(String runId, Object payload) {
    return transport
        .post(
            "/api/v1/runs/" + encode(runId) + "/replay",
            mapper.createObjectNode().set("payload", mapper.valueToTree(payload)),
            JsonNode.class)
        .path("id")
        .asText();
  }

  /**
   * Retries a run that ended without success ({@code FAILED}, {@code CRASHED}, {@code TIMED_OUT},
   * {@code CANCELED}, {@code SYSTEM_FAILURE}): the same run goes back to the queue and resumes
   * after its last completed step, with a fresh budget of attempts. Returns it as it is after the
   * retry ({@code QUEUED}). Unlike {@link #replay}, no new run is made.
   *
   * @throws ErrandApiException 409 ({@code run_not_retryable}) for a run in any other status
   */
  public Run<JsonNode> retry(String runId) {
    return transport.post(
        "/api/v1/runs/" + encode(runId) + "/retry",
        mapper.createObjectNode(),
        runType,
        Duration.ofSeconds(30));
  }

  /**
   * Starts canceling every run that matches {@code filter} now; returns at once with the action's
   * progress, which {@link #bulkAction} reads. Runs that had already finished are skipped.
   *
   * @throws ErrandApiException 400 ({@code filter_required}) for a filter with no field set
   */
  public BulkAction bulkCancel(RunFilter filter) {
    return startBulkAction("cancel", filter);
  }

  /**
   * Starts replaying every run that matches {@code filter} now (each gets one new run, {@code
   * replayOf} set); returns at once with the action's progress, which {@link #bulkAction} reads.
   *
   * @throws ErrandApiException 400 ({@code filter_required}) for a filter with no field set
   */
  public BulkAction bulkReplay(RunFilter filter) {
    return startBulkAction("replay", filter);
  }

  /** A bulk action and its progress. */
  public BulkAction bulkAction(String id) {
    return transport.get(
        "/api/v1/bulk-actions/" + encode(id), mapper.constructType(BulkAction.class));
  }

  private BulkAction startBulkAction(String kind, RunFilter filter) {
    ObjectNode body = mapper.createObjectNode();
    ObjectNode f = body.putObject("filter");
    if (!filter.statuses().isEmpty()) {
      var statuses = f.putArray("status");
      filter.statuses().forEach(s -> statuses.add(s.name()));
    }
    putIfSet(f, "taskIdentifier", filter.taskIdentifier());
    putIfSet(f, "tag", filter.tag());
    putIfSet(f, "from", filter.from());
    putIfSet(f, "to", filter.to());
    return transport.post(
        "/api/v1/runs/bulk/" + kind,
        body,
        mapper.constructType(BulkAction.class),
        Duration.ofSeconds(60));
  }

  private static void putIfSet(ObjectNode node, String field, Object value) {
    if (value != null) {
      node.put(field, value.toString());
    }
  }

  /**
   * Waits until the run is final and returns it.
   *
   * @throws ErrandException when {@code timeout} passes first
   */
  public <O> Run<O> awaitCompletion(RunHandle<O> handle, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Run<JsonNode> run = get(handle.id());
      if (run.isFinal()) {
        return typed(run, handle.outputType());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ErrandException(
            "run " + handle.id() + " still " + run.status() + " after " + timeout);
      }
      LockSupport.parkNanos(AWAIT_POLL_INTERVAL.toNanos());
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new ErrandException("interrupted while awaiting run " + handle.id());
      }
    }
  }

  private <O> Run<O> typed(Run<JsonNode> run, Class<O> outputType) {
    O output;
    try {
      output =
          run.output() == null || run.output().isNull()
              ? null
              : mapper.treeToValue(run.output(), outputType);
    } catch (Exception e) {
      throw new ErrandException(
          "output of run " + run.id() + " does not read as " + outputType.getName(), e);
    }
    return new Run<>(
        run.id(),
        run.taskIdentifier(),
        run.queue(),
        run.status(),
        run.payload(),
        output,
        run.error(),
        run.attemptCount(),
        run.maxAttempts(),
        run.attempts(),
        run.tags(),
        run.idempotencyKey(),
        run.replayOf(),
        run.createdAt(),
        run.startedAt(),
        run.finishedAt(),
        run.delayUntil(),
        run.nextAttemptAt(),
        run.maxDuration(),
        run.parentRunId(),
        run.steps(),
        run.concurrencyKey(),
        run.scheduleId(),
        run.metadata());
  }

  static void add(StringJoiner q, String name, Object value) {
    if (value != null) {
      q.add(name + "=" + encode(value.toString()));
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
