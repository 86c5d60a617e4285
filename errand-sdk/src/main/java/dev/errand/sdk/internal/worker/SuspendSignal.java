package dev.errand.sdk.internal.worker;

import dev.errand.sdk.internal.protocol.WorkerProtocol.Suspension;

/**
 * Unwinds an attempt's stack when the task waits: the attempt ends, reporting {@link #suspension},
 * and the run resumes later by replaying its recorded steps. An {@link Error} so that the usual
 * {@code catch (Exception e)} in task code lets it pass.
 */
final class SuspendSignal extends Error {
  private static final long serialVersionUID = 1L;

  private final transient Suspension suspension;

  SuspendSignal(Suspension suspension) {
    super(
        "run suspended at " + suspension.kind() + " '" + suspension.name() + "'",
        null,
        false,
        false);
    this.suspension = suspension;
  }

  Suspension suspension() {
    return suspension;
  }
}
