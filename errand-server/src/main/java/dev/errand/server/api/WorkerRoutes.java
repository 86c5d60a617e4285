package dev.errand.server.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.errand.sdk.internal.Redactor;
import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterResponse;
import dev.errand.server.engine.Dispatcher;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.engine.RunIds;
import dev.errand.server.schedule.ScheduleSpec;
import dev.errand.server.schedule.Schedules;
import dev.errand.server.secret.EnvVars;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.StepRecord;
import dev.errand.server.store.Store.LeaseRef;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker protocol, {@code /api/v1/workers/...}; see {@link WorkerProtocol}. */
final class WorkerRoutes {
  private final Dispatcher dispatcher;
  private final Schedules schedules;
  private final EnvVars envVars;

  WorkerRoutes(Dispatcher dispatcher, Schedules schedules, EnvVars envVars) {
    this.dispatcher = dispatcher;
    this.schedules = schedules;
    this.envVars = envVars;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(WorkerProtocol.REGISTER_PATH, this::register);
    routes.post(WorkerProtocol.CLAIM_PATH, this::claim);
    routes.post(WorkerProtocol.COMPLETE_PATH, this::complete);
    routes.post(WorkerProtocol.HEARTBEAT_PATH, this::heartbeat);
    routes.post(WorkerProtocol.STOP_PATH, this::stop);
    routes.post(WorkerProtocol.STEP_PATH, this::step);
    routes.get(WorkerProtocol.ENV_PATH, this::env);
  }

  /** The environment's variables, decrypted, for its workers; never stored with a run. */
  private void env(Context ctx) {
    EnvVars.Snapshot snapshot = envVars.snapshot(Bodies.environment(ctx));
    ctx.header("Cache-Control", "no-store");
    HttpApi.json(ctx, new WorkerProtocol.EnvResponse(snapshot.version(), snapshot.values()));
  }

  private void step(Context ctx) {
    WorkerProtocol.StepReport report = Bodies.read(ctx, WorkerProtocol.StepReport.class);
    if (report.runId() == null || report.name() == null || report.status() == null) {
      throw ApiException.badRequest("invalid_request", "a step needs runId, name and status");
    }
    var env = Bodies.environment(ctx);
    Redactor redactor = envVars.redactor(env);
    if (!redactor.isEmpty()) {
      report =
          new WorkerProtocol.StepReport(
              report.workerId(),
              report.runId(),
              report.leaseToken(),
              report.attempt(),
              report.position(),
              report.name(),
              report.index(),
              report.status(),
              redactor.redact(report.output()),
              redactor.redact(report.error()),
              report.startedAt(),
              report.tries());
    }
    boolean accepted = dispatcher.recordStep(env, report);
    HttpApi.json(ctx, new WorkerProtocol.StepReportResponse(accepted));
  }

  private void register(Context ctx) {
    RegisterRequest req = Bodies.read(ctx, RegisterRequest.class);
    var env = Bodies.environment(ctx);
    List<WorkerProtocol.TaskRegistration> tasks = items(req.tasks(), "tasks");
    dispatcher.register(env, TextRules.workerId(req.workerId()), tasks);
    for (WorkerProtocol.TaskRegistration task : tasks) {
      WorkerProtocol.ScheduleDeclaration s = task.schedule();
      schedules.syncDeclared(
          env,
          task.id(),
          s == null
              ? null
              : new ScheduleSpec(
                  task.id(),
                  s.cron(),
                  s.timezone(),
                  null,
                  null,
                  null,
                  s.missedTicks(),
                  null,
                  s.overlap(),
                  true));
    }
    EngineConfig config = dispatcher.config();
    HttpApi.json(
        ctx,
        new RegisterResponse(
            req.tasks().size(),
            config.leaseDuration().toMillis(),
            config.heartbeatInterval().toMillis()));
  }

  private void claim(Context ctx) throws InterruptedException {
    ClaimRequest req = Bodies.read(ctx, ClaimRequest.class);
    List<ClaimedRun> claimed =
        dispatcher.claim(
            Bodies.environment(ctx),
            TextRules.workerId(req.workerId()),
            items(req.tasks(), "tasks"),
            req.max(),
            Duration.ofMillis(Math.max(0, req.waitMillis())));
    List<ClaimedRunBody> runs = new ArrayList<>(claimed.size());
    for (ClaimedRun c : claimed) {
      runs.add(
          new ClaimedRunBody(
              RunIds.format(c.runId()),
              c.taskId(),
              c.payloadJson(),
              c.attempt(),
              c.leaseToken(),
              c.tags(),
              c.maxDurationMillis(),
              steps(c.steps())));
    }
    EngineConfig config = dispatcher.config();
    HttpApi.json(
        ctx,
        new ClaimResponseBody(
            runs,
            config.leaseDuration().toMillis(),
            config.heartbeatInterval().toMillis(),
            envVars.version(Bodies.environment(ctx))));
  }

  /**
   * {@link WorkerProtocol.ClaimedRun} as the server writes it: the stored payload text goes out as
   * is, without being parsed and written again on the hottest path.
   */
  private record ClaimedRunBody(
      String runId,
      String taskIdentifier,
      @JsonRawValue String payload,
      int attempt,
      long leaseToken,
      List<String> tags,
      long maxDurationMillis,
      List<RecordedStepBody> steps) {}

  /** {@link WorkerProtocol.RecordedStep} as the server writes it, the output as stored. */
  private record RecordedStepBody(
      int position,
      String name,
      int index,
      String kind,
      String status,
      @JsonRawValue String output) {}

  private static List<RecordedStepBody> steps(List<StepRecord> steps) {
    if (steps == null || steps.isEmpty()) {
      return List.of();
    }
    List<RecordedStepBody> bodies = new ArrayList<>(steps.size());
    for (StepRecord s : steps) {
      bodies.add(
          new RecordedStepBody(
              s.position(),
              s.name(),
              s.index(),
              s.kind().name(),
              s.status().name(),
              s.outputJson()));
    }
    return bodies;
  }

  /** {@link WorkerProtocol.ClaimResponse} as the server writes it. */
  private record ClaimResponseBody(
      List<ClaimedRunBody> runs, long leaseMillis, long heartbeatMillis, long envVersion) {}

  private void complete(Context ctx) {
    CompleteRequest req = Bodies.read(ctx, CompleteRequest.class);
    List<WorkerProtocol.AttemptResult> results = items(req.results(), "results");
    for (WorkerProtocol.AttemptResult r : results) {
      if (r.runId() == null || r.taskIdentifier() == null) {
        throw ApiException.badRequest(
            "invalid_request", "each result needs runId and taskIdentifier");
      }
    }
    var env = Bodies.environment(ctx);
    List<String> rejected = dispatcher.complete(env, redacted(envVars.redactor(env), results));
    HttpApi.json(ctx, new CompleteResponse(rejected));
  }

  private void stop(Context ctx) {
    WorkerProtocol.StopRequest req = Bodies.read(ctx, WorkerProtocol.StopRequest.class);
    dispatcher.stop(Bodies.environment(ctx), TextRules.workerId(req.workerId()));
    HttpApi.json(ctx, new WorkerProtocol.StopResponse(true));
  }

  private void heartbeat(Context ctx) {
    HeartbeatRequest req = Bodies.read(ctx, HeartbeatRequest.class);
    List<LeaseRef> leases = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (WorkerProtocol.Lease l : items(req.leases(), "leases")) {
      try {
        leases.add(new LeaseRef(RunIds.parse(l.runId()), l.leaseToken()));
      } catch (IllegalArgumentException e) {
        lost.add(l.runId());
      }
    }
    lost.addAll(dispatcher.heartbeat(Bodies.environment(ctx), leases));
    HttpApi.json(ctx, new HeartbeatResponse(lost));
  }

  /**
   * The results with every secret value of the environment masked in outputs, errors and the
   * payloads and metadata of child runs, before anything is stored.
   */
  private static List<WorkerProtocol.AttemptResult> redacted(
      Redactor redactor, List<WorkerProtocol.AttemptResult> results) {
    if (redactor.isEmpty()) {
      return results;
    }
    List<WorkerProtocol.AttemptResult> out = new ArrayList<>(results.size());
    for (WorkerProtocol.AttemptResult r : results) {
      WorkerProtocol.Suspension s = r.suspension();
      if (s != null && s.children() != null) {
        s =
            new WorkerProtocol.Suspension(
                s.position(),
                s.name(),
                s.index(),
                s.kind(),
                s.resumeAt(),
                s.delayMillis(),
                s.tokenId(),
                s.children().stream()
                    .map(
                        c ->
                            c == null
                                ? null
                                : new WorkerProtocol.ChildTrigger(
                                    c.task(),
                                    redactor.redact(c.payload()),
                                    redactedMetadata(redactor, c.options())))
                    .toList());
      }
      out.add(
          new WorkerProtocol.AttemptResult(
              r.runId(),
              r.taskIdentifier(),
              r.leaseToken(),
              r.attempt(),
              r.success(),
              redactor.redact(r.output()),
              redactor.redact(r.error()),
              s));
    }
    return out;
  }

  /** The options with secret values masked in their metadata, like a child's payload. */
  private static dev.errand.sdk.TriggerOptions redactedMetadata(
      Redactor redactor, dev.errand.sdk.TriggerOptions o) {
    if (o == null || o.metadata() == null) {
      return o;
    }
    return new dev.errand.sdk.TriggerOptions(
        o.idempotencyKey(),
        o.tags(),
        o.delay(),
        o.maxAttempts(),
        o.maxDuration(),
        o.idempotencyKeyTTL(),
        o.ttl(),
        o.debounce(),
        o.priority(),
        o.concurrencyKey(),
        redactor.redact(o.metadata()),
        o.idempotencyKeyScope());
  }

  /** The list, or a 400 when it is missing or holds a null. */
  private static <T> List<T> items(List<T> list, String name) {
    if (list == null) {
      throw ApiException.badRequest("invalid_request", name + " is required");
    }
    for (T item : list) {
      if (item == null) {
        throw ApiException.badRequest("invalid_request", name + " must not contain null");
      }
    }
    return list;
  }
}
