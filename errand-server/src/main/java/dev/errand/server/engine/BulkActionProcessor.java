package dev.errand.server.engine;

import dev.errand.server.store.BulkActionRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.BulkBatch;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background duty that works through bulk actions, {@value #BATCH} runs per transaction, on
 * every server node. The store hands each batch to one node only (a row lock on the action), and a
 * batch commits whole or not at all, so a node that dies mid-batch leaves the batch to the next
 * node, or to itself after a restart. After each batch it wakes what the batch affects: the claims
 * of replayed tasks, and claims held back by a queue limit when runs were canceled.
 */
final class BulkActionProcessor implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(BulkActionProcessor.class);

  /** Runs per batch (and per transaction): {@value}. */
  static final int BATCH = 100;

  /** Batches per tick, so the loop yields now and then: {@value}. */
  static final int MAX_BATCHES_PER_TICK = 50;

  private final Store store;
  private final Wakeups wakeups;

  BulkActionProcessor(Store store, Wakeups wakeups) {
    this.store = store;
    this.wakeups = wakeups;
  }

  @Override
  public void run() {
    for (int i = 0; i < MAX_BATCHES_PER_TICK; i++) {
      Optional<BulkBatch> batch =
          store.processBulkActionBatch(
              BATCH,
              (actionId, original) ->
                  RunEngine.replayOf(original, replayKey(actionId, original.id())));
      if (batch.isEmpty()) {
        return;
      }
      wake(batch.get());
    }
  }

  /**
   * The idempotency key of the replay of run {@code runId} by bulk action {@code actionId}: unique
   * to the pair, so a batch worked through again would not replay a run twice.
   */
  static String replayKey(UUID actionId, UUID runId) {
    return RunIds.formatBulkAction(actionId) + ":" + RunIds.format(runId);
  }

  private void wake(BulkBatch batch) {
    BulkActionRecord action = batch.action();
    UUID environmentId = action.environmentId();
    batch.replayedTaskIds().forEach(taskId -> wakeups.signal(environmentId, taskId));
    if (batch.canceled() > 0) {
      // canceled executing runs free their queue slots, on any node
      wakeups.signal(environmentId);
      store.announceDue(environmentId);
    }
    if (action.status() != BulkActionRecord.Status.RUNNING) {
      log.info(
          "bulk {} {} is {}: {} run(s), {} succeeded, {} failed, {} skipped",
          action.kind(),
          RunIds.formatBulkAction(action.id()),
          action.status(),
          action.total(),
          action.succeeded(),
          action.failed(),
          action.skipped());
    }
  }
}
