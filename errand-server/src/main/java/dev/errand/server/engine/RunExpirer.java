package dev.errand.server.engine;

import dev.errand.server.store.Store;
import java.util.Set;
import java.util.UUID;

/**
 * The background duty that ends runs whose time to live ran out before they started ({@code
 * EXPIRED}). An expired child may be the last one its parent waits for, so the resumer is nudged.
 * Claims never start an expired run even before this duty gets to it.
 */
final class RunExpirer implements Runnable {
  static final int BATCH = 500;

  private final Store store;
  private final Waitpoints waitpoints;

  RunExpirer(Store store, Waitpoints waitpoints) {
    this.store = store;
    this.waitpoints = waitpoints;
  }

  @Override
  public void run() {
    Set<UUID> environments;
    int rounds = 0;
    do {
      environments = store.expireRuns(BATCH);
      if (!environments.isEmpty()) {
        waitpoints.nudge();
      }
    } while (!environments.isEmpty() && ++rounds < 20);
  }
}
