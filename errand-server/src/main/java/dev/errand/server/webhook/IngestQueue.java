package dev.errand.server.webhook;

import dev.errand.server.store.WebhookStore;
import dev.errand.server.store.WebhookStore.Ingest;
import dev.errand.server.store.WebhookStore.Ingested;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for webhook deliveries: request threads hand their delivery to a committer thread
 * ({@value #COMMITTERS} of them, so that one batch commits while the next is written) and wait; a
 * committer stores whatever has queued up, at most {@value #MAX_BATCH}, in one transaction ({@link
 * WebhookStore#ingestAll}). An idle server commits each delivery at once (no timer); a busy one
 * shares each commit among the deliveries that arrived during the previous one. A request is
 * answered only after its delivery's transaction committed. If a batch fails, each of its
 * deliveries is tried again on its own, so one bad delivery cannot fail the others. Thread-safe.
 */
final class IngestQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestQueue.class);

  /** Most deliveries one transaction stores: {@value}. */
  static final int MAX_BATCH = 128;

  /** Committer threads: {@value}. */
  static final int COMMITTERS = 2;

  private record Pending(Ingest item, CompletableFuture<Ingested> done) {}

  private final WebhookStore store;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> committers = new ArrayList<>();
  private volatile boolean closed;

  IngestQueue(WebhookStore store) {
    this.store = store;
    for (int i = 0; i < COMMITTERS; i++) {
      committers.add(
          Thread.ofVirtual().name("errand-webhook-committer-" + i).start(this::commitLoop));
    }
  }

  /**
   * Stores the delivery with the others queued now and returns once that transaction committed.
   *
   * @throws RuntimeException what storing it threw (a {@code StoreException} when the database is
   *     unreachable)
   */
  Ingested ingest(Ingest item) {
    if (closed) {
      throw new IllegalStateException("the server is stopping");
    }
    Pending pending = new Pending(item, new CompletableFuture<>());
    queue.add(pending);
    try {
      return pending.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the delivery was being stored", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("storing the delivery failed", e.getCause());
    }
  }

  private void commitLoop() {
    while (!closed || !queue.isEmpty()) {
      Pending first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
        continue;
      }
      if (first == null) {
        continue;
      }
      List<Pending> batch = new ArrayList<>(MAX_BATCH);
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      commit(batch);
    }
    // nothing is left: close() waits for the loop to end before the store closes
  }

  private void commit(List<Pending> batch) {
    try {
      List<Ingested> results = store.ingestAll(batch.stream().map(Pending::item).toList());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).done().complete(results.get(i));
      }
    } catch (RuntimeException | Error e) {
      if (batch.size() == 1) {
        batch.getFirst().done().completeExceptionally(e);
        return;
      }
      log.debug(
          "a batch of {} webhook deliveries failed; storing them one by one", batch.size(), e);
      for (Pending p : batch) {
        try {
          p.done().complete(store.ingestAll(List.of(p.item())).getFirst());
        } catch (RuntimeException | Error one) {
          p.done().completeExceptionally(one);
        }
      }
    }
  }

  /** Stores what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      for (Thread committer : committers) {
        committer.join(java.time.Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
