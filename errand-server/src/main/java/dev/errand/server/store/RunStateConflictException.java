package dev.errand.server.store;

import dev.errand.sdk.RunStatus;
import java.util.UUID;

/** The run's current status does not allow the requested transition. */
public class RunStateConflictException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final UUID runId;
  private final RunStatus current;
  private final RunStatus target;

  public RunStateConflictException(UUID runId, RunStatus current, RunStatus target) {
    super("run " + runId + " is " + current + " and cannot move to " + target);
    this.runId = runId;
    this.current = current;
    this.target = target;
  }

  public UUID runId() {
    return runId;
  }

  public RunStatus current() {
    return current;
  }

  public RunStatus target() {
    return target;
  }
}
