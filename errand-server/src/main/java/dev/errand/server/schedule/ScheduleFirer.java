package dev.errand.server.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.internal.Json;
import dev.errand.server.engine.EngineException;
import dev.errand.server.engine.RunEngine;
import dev.errand.server.engine.RunIds;
import dev.errand.server.engine.TriggerRequest;
import dev.errand.server.store.NewRun;
import dev.errand.server.store.ScheduleRecord;
import dev.errand.server.store.ScheduleStore.Plan;
import dev.errand.server.store.ScheduleStore.Tick;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background duty that fires due schedules, on every server node. Each pass reads the clock
 * once and asks the store for due schedules in batches; the store hands each schedule to one firer
 * only ({@code FOR UPDATE SKIP LOCKED}) and records each tick once (a unique (schedule, time) row),
 * so any number of nodes start one run per tick. The ticks to fire are computed from the schedule's
 * stored last tick, never from "now", by its missed-tick policy; its overlap policy skips a tick
 * while the previous tick's run has not finished.
 */
final class ScheduleFirer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ScheduleFirer.class);

  /** Schedules one transaction fires: {@value}. */
  static final int BATCH = 100;

  /** How late a tick may fire and still count as on time (not missed): 60 s. */
  static final Duration MISSED_GRACE = Duration.ofSeconds(60);

  private final Store store;
  private final Schedules schedules;
  private final RunEngine runs;
  private final Clock clock;
  private final Map<UUID, Environment> environments = new ConcurrentHashMap<>();

  ScheduleFirer(Store store, Schedules schedules, RunEngine runs, Clock clock) {
    this.store = store;
    this.schedules = schedules;
    this.runs = runs;
    this.clock = clock;
  }

  @Override
  public void run() {
    Instant now = clock.instant();
    List<NewRun> fired = new ArrayList<>();
    int rounds = 0;
    int taken;
    do {
      taken = store.schedules().fire(now, BATCH, s -> plan(s, now, fired));
    } while (taken == BATCH && ++rounds < 20);
    fired.stream()
        .collect(java.util.stream.Collectors.groupingBy(NewRun::environmentId))
        .forEach(runs::inserted);
  }

  private Plan plan(ScheduleRecord s, Instant now, List<NewRun> fired) {
    ScheduleTimes times;
    try {
      times = schedules.times(s);
    } catch (RuntimeException e) {
      log.error("schedule {} cannot be read; it is left as it is", s.id(), e);
      return null;
    }
    Instant last = s.lastTickAt() != null ? s.lastTickAt() : s.nextTickAt().minusNanos(1);
    Instant latest = DueTicks.newLast(times, last, now);
    if (latest.equals(last)) { // nothing is due yet
      Instant next = times.nextAfter(last);
      return new Plan(List.of(), s.lastTickAt(), next, Schedules.fireAt(s, next));
    }
    List<Instant> due =
        DueTicks.due(
            times, last, now, MissedTicks.fromWire(s.missedTicks()), s.missedCap(), MISSED_GRACE);
    boolean previousRunning =
        s.overlap().equals("skip") && s.lastRunId() != null && running(s.lastRunId());
    Environment env = environment(s.environmentId());
    List<Tick> ticks = new ArrayList<>(due.size());
    Instant previous = s.lastTickAt();
    for (Instant tick : due) {
      if (previousRunning) {
        ticks.add(new Tick(tick, null)); // overlap: skip
      } else {
        NewRun run;
        try {
          run =
              runs.prepare(
                      env, s.taskId(), List.of(TriggerRequest.of(event(s, times, tick, previous))))
                  .getFirst();
        } catch (EngineException e) {
          // a task no worker registered yet, or one whose payload type refuses the event: the
          // schedule waits (its missed-tick policy applies once it can fire)
          log.warn(
              "schedule {} of task '{}' cannot fire: {}",
              RunIds.formatSchedule(s.id()),
              s.taskId(),
              e.getMessage());
          return null;
        }
        ticks.add(new Tick(tick, run));
        fired.add(run);
        previousRunning = s.overlap().equals("skip");
      }
      previous = tick;
    }
    Instant next = times.nextAfter(latest);
    return new Plan(ticks, latest, next, Schedules.fireAt(s, next));
  }

  private boolean running(UUID runId) {
    String status = store.schedules().runStatuses(List.of(runId)).get(runId);
    return status != null && !RunStatus.valueOf(status).isFinal();
  }

  /** The {@code ScheduledEvent} payload of a tick. */
  private static ObjectNode event(
      ScheduleRecord s, ScheduleTimes times, Instant tick, Instant previous) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("timestamp", tick.toString());
    event.put("lastTimestamp", previous == null ? null : previous.toString());
    event.put("timezone", s.timezone());
    event.put("scheduleId", RunIds.formatSchedule(s.id()));
    event.put("externalId", s.externalId());
    ArrayNode upcoming = event.putArray("upcoming");
    times.upcoming(tick, Schedules.UPCOMING).forEach(t -> upcoming.add(t.toString()));
    return event;
  }

  private Environment environment(UUID id) {
    return environments.computeIfAbsent(
        id,
        k ->
            store
                .findEnvironment(k)
                .orElseThrow(() -> new IllegalStateException("environment " + k + " is gone")));
  }
}
