package dev.errand.server.e2e;

import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.Task;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tasks schedules start; each keeps the events it received, by task. */
final class ScheduleTasks {
  private ScheduleTasks() {}

  static final Map<String, List<ScheduledEvent>> RECEIVED = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

  static List<ScheduledEvent> received(String task) {
    return RECEIVED.computeIfAbsent(task, t -> new CopyOnWriteArrayList<>());
  }

  /** A task that records each event. */
  static Task<ScheduledEvent, Void> recording(String id) {
    return Task.define(id, ScheduledEvent.class, Void.class)
        .run(
            (event, ctx) -> {
              received(id).add(event);
              return null;
            });
  }

  /** A task that records each event, then waits for its gate to open. */
  static Task<ScheduledEvent, Void> gated(String id) {
    GATES.put(id, new CountDownLatch(1));
    return Task.define(id, ScheduledEvent.class, Void.class)
        .run(
            (event, ctx) -> {
              received(id).add(event);
              GATES.get(id).await(30, TimeUnit.SECONDS);
              return null;
            });
  }
}
