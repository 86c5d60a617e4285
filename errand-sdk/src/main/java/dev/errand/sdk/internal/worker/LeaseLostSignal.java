package dev.errand.sdk.internal.worker;

/**
 * Unwinds an attempt whose lease the server no longer honours (the run was canceled, or its lease
 * expired and another worker took it over): nothing the attempt does from here would be recorded.
 */
final class LeaseLostSignal extends Error {
  private static final long serialVersionUID = 1L;

  LeaseLostSignal(String runId) {
    super("lease of run " + runId + " was lost: this attempt stops", null, false, false);
  }
}
