package dev.errand.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Schedules and their ticks (part of a {@link Store}). Thread-safe. */
public interface ScheduleStore {

  /** The outcome of {@link #upsert}: the stored schedule, and whether it is new. */
  record Upserted(ScheduleRecord schedule, boolean created) {}

  /**
   * Stores a new schedule; or, when its deduplication key (or, for a declarative one, its task) is
   * taken in the environment, replaces that schedule's settings with these (keeping its id, its
   * creation time and its last tick).
   */
  Upserted upsert(ScheduleRecord schedule);

  Optional<ScheduleRecord> find(UUID environmentId, UUID id);

  /** The environment's schedules, newest first, of one task when {@code taskId} is not null. */
  List<ScheduleRecord> list(UUID environmentId, String taskId, UUID beforeId, int limit);

  /** The environment's declarative schedule of a task. */
  Optional<ScheduleRecord> findDeclarative(UUID environmentId, String taskId);

  /** Replaces a schedule's settings and next tick (by id); empty when there is none. */
  Optional<ScheduleRecord> update(ScheduleRecord schedule);

  boolean delete(UUID environmentId, UUID id);

  /** The status of each of these runs (absent: no such run). */
  java.util.Map<UUID, String> runStatuses(List<UUID> runIds);

  /** A tick a firer decided on: its nominal time, and the run to start (null: skipped). */
  record Tick(Instant scheduledAt, NewRun run) {}

  /**
   * What to do with one due schedule: the ticks to record, and the schedule's new last tick, next
   * tick and fire time.
   */
  record Plan(List<Tick> ticks, Instant lastTickAt, Instant nextTickAt, Instant nextFireAt) {}

  /** Decides about one due schedule; null leaves it as it is (to be looked at again). */
  @FunctionalInterface
  interface Planner {
    Plan plan(ScheduleRecord schedule);
  }

  /**
   * In one transaction: takes up to {@code limit} active schedules whose fire time is at or before
   * {@code now} that no other firer holds ({@code FOR UPDATE SKIP LOCKED}), asks {@code planner}
   * about each, records each planned tick (once: a tick already recorded is left alone), inserts
   * its run and moves the schedule on. Returns how many schedules it took.
   */
  int fire(Instant now, int limit, Planner planner);
}
