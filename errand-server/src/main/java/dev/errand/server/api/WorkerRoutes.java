package dev.errand.server.api;

import dev.errand.sdk.internal.protocol.WorkerProtocol;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.ClaimResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.CompleteResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.HeartbeatResponse;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterRequest;
import dev.errand.sdk.internal.protocol.WorkerProtocol.RegisterResponse;
import dev.errand.server.engine.Dispatcher;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.ClaimedRun;
import dev.errand.server.store.Store.LeaseRef;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker protocol, {@code /api/v1/workers/...}; see {@link WorkerProtocol}. */
final class WorkerRoutes {
  private final Dispatcher dispatcher;

  WorkerRoutes(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  void addTo(JavalinDefaultRoutingApi routes) {
    routes.post(WorkerProtocol.REGISTER_PATH, this::register);
    routes.post(WorkerProtocol.CLAIM_PATH, this::claim);
    routes.post(WorkerProtocol.COMPLETE_PATH, this::complete);
    routes.post(WorkerProtocol.HEARTBEAT_PATH, this::heartbeat);
    routes.post(WorkerProtocol.STOP_PATH, this::stop);
  }

  private void register(Context ctx) {
    RegisterRequest req = Bodies.read(ctx, RegisterRequest.class);
    dispatcher.register(Bodies.environment(ctx), req.tasks());
    HttpApi.json(ctx, new RegisterResponse(req.tasks().size()));
  }

  private void claim(Context ctx) throws InterruptedException {
    ClaimRequest req = Bodies.read(ctx, ClaimRequest.class);
    if (req.workerId() == null || req.workerId().isBlank()) {
      throw ApiException.badRequest("invalid_request", "workerId is required");
    }
    List<ClaimedRun> claimed =
        dispatcher.claim(
            Bodies.environment(ctx),
            req.workerId(),
            req.tasks(),
            req.max(),
            Duration.ofMillis(Math.max(0, req.waitMillis())));
    List<WorkerProtocol.ClaimedRun> runs = new ArrayList<>(claimed.size());
    for (ClaimedRun c : claimed) {
      runs.add(
          new WorkerProtocol.ClaimedRun(
              RunIds.format(c.runId()),
              c.taskId(),
              readTree(c.payloadJson()),
              c.attempt(),
              c.leaseToken(),
              c.tags()));
    }
    EngineConfig config = dispatcher.config();
    HttpApi.json(
        ctx,
        new ClaimResponse(
            runs, config.leaseDuration().toMillis(), config.heartbeatInterval().toMillis()));
  }

  private void complete(Context ctx) {
    CompleteRequest req = Bodies.read(ctx, CompleteRequest.class);
    if (req.results() == null) {
      throw ApiException.badRequest("invalid_request", "results is required");
    }
    List<String> rejected = dispatcher.complete(Bodies.environment(ctx), req.results());
    HttpApi.json(ctx, new CompleteResponse(rejected));
  }

  private void stop(Context ctx) {
    WorkerProtocol.StopRequest req = Bodies.read(ctx, WorkerProtocol.StopRequest.class);
    if (req.workerId() == null || req.workerId().isBlank()) {
      throw ApiException.badRequest("invalid_request", "workerId is required");
    }
    dispatcher.stop(Bodies.environment(ctx), req.workerId());
    HttpApi.json(ctx, new WorkerProtocol.StopResponse(true));
  }

  private void heartbeat(Context ctx) {
    HeartbeatRequest req = Bodies.read(ctx, HeartbeatRequest.class);
    List<LeaseRef> leases = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (WorkerProtocol.Lease l :
        req.leases() == null ? List.<WorkerProtocol.Lease>of() : req.leases()) {
      try {
        leases.add(new LeaseRef(RunIds.parse(l.runId()), l.leaseToken()));
      } catch (IllegalArgumentException e) {
        lost.add(l.runId());
      }
    }
    lost.addAll(dispatcher.heartbeat(leases));
    HttpApi.json(ctx, new HeartbeatResponse(lost));
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return dev.errand.sdk.internal.Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("stored payload is not JSON", e);
    }
  }
}
