package dev.errand.server.store;

import java.util.UUID;

/** No run with this id exists in the environment. */
public class RunNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final UUID runId;

  public RunNotFoundException(UUID runId) {
    super("run " + runId + " not found");
    this.runId = runId;
  }

  public UUID runId() {
    return runId;
  }
}
