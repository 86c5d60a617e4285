package dev.errand.server.schedule;

import dev.errand.sdk.Task;
import dev.errand.server.engine.EngineException;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.ScheduleRecord;
import dev.errand.server.store.ScheduleStore;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creating, reading, changing and deleting schedules, and syncing the schedules tasks declare in
 * code. Invalid settings are {@link EngineException}s with status 400 and code {@code
 * invalid_schedule}. Thread-safe.
 */
public final class Schedules {

  /** Most missed ticks {@code all} fires unless told otherwise: {@value}. */
  public static final int DEFAULT_MISSED_TICK_LIMIT = 100;

  /** The largest missed-tick limit: {@value}. */
  public static final int MAX_MISSED_TICK_LIMIT = 1_000;

  /** The longest window: 1 day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** How many upcoming times a schedule shows: {@value}. */
  public static final int UPCOMING = 5;

  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  private final Store store;
  private final Clock clock;
  private final Map<String, ScheduleTimes> times = new ConcurrentHashMap<>();

  Schedules(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The IANA time zones a schedule may use, sorted. */
  public static List<String> timezones() {
    return ZONES.stream().filter(z -> z.contains("/") || z.equals("UTC")).sorted().toList();
  }

  /** A schedule with what the API shows of it. */
  public record View(ScheduleRecord record, List<Instant> upcoming, String lastRunStatus) {}

  /** The outcome of {@link #create}: the schedule, and whether it is new (not an upsert). */
  public record Created(View schedule, boolean created) {}

  /**
   * Creates a schedule; with a deduplication key that the environment already has, updates that
   * schedule instead.
   *
   * @throws EngineException 400 for invalid settings, 404 for a task no worker registered
   */
  public Created create(Environment env, ScheduleSpec spec) {
    ScheduleRecord record = record(env, UUID.randomUUID(), spec, false);
    ScheduleStore.Upserted upserted = store.schedules().upsert(next(record));
    return new Created(view(upserted.schedule()), upserted.created());
  }

  public List<View> list(Environment env, String taskId, UUID beforeId, int limit) {
    List<ScheduleRecord> page = store.schedules().list(env.id(), taskId, beforeId, limit);
    Map<UUID, String> statuses = lastRunStatuses(page);
    return page.stream().map(s -> view(s, statuses)).toList();
  }

  /**
   * @throws EngineException 404 when the environment has no such schedule
   */
  public View get(Environment env, UUID id) {
    return view(find(env, id));
  }

  /** Replaces the settings of a schedule (PUT): fields left out take their defaults. */
  public View update(Environment env, UUID id, ScheduleSpec spec) {
    ScheduleRecord current = find(env, id);
    if (current.declarative()) {
      throw EngineException.conflict(
          "schedule_declarative",
          "schedule "
              + RunIds.formatSchedule(id)
              + " is declared in the code of task '"
              + current.taskId()
              + "': change it there");
    }
    ScheduleRecord changed = record(env, id, spec, false);
    return view(
        store
            .schedules()
            .update(next(keep(current, changed)))
            .orElseThrow(() -> notFound(env, id)));
  }

  public View setActive(Environment env, UUID id, boolean active) {
    ScheduleRecord current = find(env, id);
    ScheduleRecord changed = current.withNext(active, null, null);
    return view(store.schedules().update(next(changed)).orElseThrow(() -> notFound(env, id)));
  }

  public void delete(Environment env, UUID id) {
    if (!store.schedules().delete(env.id(), id)) {
      throw notFound(env, id);
    }
  }

  /**
   * Syncs the schedule a task declares in code, when a worker registers it: creates or updates it
   * (a changed cron or zone takes effect from now), or, when the task declares none, deactivates
   * the one it declared before.
   */
  public void syncDeclared(Environment env, String taskId, ScheduleSpec declared) {
    if (declared == null) {
      store
          .schedules()
          .findDeclarative(env.id(), taskId)
          .filter(ScheduleRecord::active)
          .ifPresent(s -> store.schedules().update(s.withNext(false, null, null)));
      return;
    }
    ScheduleRecord record = record(env, UUID.randomUUID(), declared, true);
    store
        .schedules()
        .findDeclarative(env.id(), taskId)
        .filter(
            s ->
                s.active()
                    && s.cron().equals(record.cron())
                    && s.timezone().equals(record.timezone())
                    && s.missedTicks().equals(record.missedTicks())
                    && s.overlap().equals(record.overlap()))
        .ifPresentOrElse(
            unchanged -> {}, // a restart of the same code changes nothing, ticks included
            () -> store.schedules().upsert(next(record)));
  }

  /** The cron and zone of a schedule, parsed once. */
  ScheduleTimes times(ScheduleRecord s) {
    return times.computeIfAbsent(
        s.cron() + "\n" + s.timezone(),
        k -> new ScheduleTimes(CronExpression.parse(s.cron()), ZoneId.of(s.timezone())));
  }

  /** The fire time of a tick: its nominal time plus the schedule's window offset. */
  static Instant fireAt(ScheduleRecord s, Instant tick) {
    return tick.plus(
        DueTicks.windowOffset(RunIds.formatSchedule(s.id()), Duration.ofMillis(s.windowMillis())));
  }

  /** With the next tick after now (or after its last tick, if later) when active; none if not. */
  private ScheduleRecord next(ScheduleRecord s) {
    if (!s.active()) {
      return s.withNext(false, null, null);
    }
    Instant from = clock.instant();
    if (s.lastTickAt() != null && s.lastTickAt().isAfter(from)) {
      from = s.lastTickAt();
    }
    Instant tick = times(s).nextAfter(from);
    return s.withNext(true, tick, fireAt(s, tick));
  }

  private View view(ScheduleRecord s) {
    return view(s, lastRunStatuses(List.of(s)));
  }

  private View view(ScheduleRecord s, Map<UUID, String> lastRunStatuses) {
    List<Instant> upcoming =
        s.active() && s.nextTickAt() != null
            ? times(s).upcoming(s.nextTickAt().minusNanos(1), UPCOMING)
            : List.of();
    return new View(s, upcoming, s.lastRunId() == null ? null : lastRunStatuses.get(s.lastRunId()));
  }

  /** The statuses of the schedules' last runs, in one query. */
  private Map<UUID, String> lastRunStatuses(List<ScheduleRecord> schedules) {
    List<UUID> runIds =
        schedules.stream()
            .map(ScheduleRecord::lastRunId)
            .filter(java.util.Objects::nonNull)
            .toList();
    return runIds.isEmpty() ? Map.of() : store.schedules().runStatuses(runIds);
  }

  private ScheduleRecord find(Environment env, UUID id) {
    return store.schedules().find(env.id(), id).orElseThrow(() -> notFound(env, id));
  }

  /** A changed schedule keeps its identity, last tick and last run. */
  private static ScheduleRecord keep(ScheduleRecord current, ScheduleRecord changed) {
    return new ScheduleRecord(
        current.id(),
        current.environmentId(),
        changed.taskId(),
        changed.cron(),
        changed.timezone(),
        changed.externalId(),
        changed.deduplicationKey(),
        current.declarative(),
        changed.active(),
        changed.missedTicks(),
        changed.missedCap(),
        changed.overlap(),
        changed.windowMillis(),
        current.lastTickAt(),
        null,
        null,
        current.lastRunId(),
        current.createdAt(),
        current.updatedAt());
  }

  private ScheduleRecord record(Environment env, UUID id, ScheduleSpec spec, boolean declarative) {
    String taskId = spec.taskId();
    if (taskId == null || !Task.ID_PATTERN.matcher(taskId).matches()) {
      throw invalid("task must match " + Task.ID_PATTERN.pattern() + ", was '" + taskId + "'");
    }
    if (!declarative && store.findTask(env.id(), taskId).isEmpty()) {
      throw EngineException.notFound(
          "task_not_found",
          "no task '"
              + taskId
              + "' is registered in environment "
              + env.slug()
              + " (a worker registers its tasks when it starts)");
    }
    if (spec.cron() == null) {
      throw invalid("cron is required, e.g. \"0 9 * * 1-5\"");
    }
    CronExpression cron;
    try {
      cron = CronExpression.parse(spec.cron());
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          400, "invalid_cron", "cron \"" + spec.cron() + "\": " + e.getMessage());
    }
    String zone = spec.timezone() == null ? "UTC" : spec.timezone();
    if (!ZONES.contains(zone)) {
      throw new EngineException(
          400,
          "invalid_timezone",
          "timezone must be an IANA time zone such as \"Europe/Paris\" (GET /api/v1/timezones"
              + " lists them), was \""
              + zone
              + "\"");
    }
    text("externalId", spec.externalId());
    text("deduplicationKey", spec.deduplicationKey());
    Duration window = spec.window() == null ? Duration.ZERO : spec.window();
    if (window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
      throw invalid("window must be from 0 to 1 day, was " + window);
    }
    String missed = wire("missedTicks", spec.missedTicks(), "skip", Set.of("skip", "none", "all"));
    int limit = spec.missedTickLimit() == null ? DEFAULT_MISSED_TICK_LIMIT : spec.missedTickLimit();
    if (limit < 1 || limit > MAX_MISSED_TICK_LIMIT) {
      throw invalid(
          "missedTickLimit must be from 1 to " + MAX_MISSED_TICK_LIMIT + ", was " + limit);
    }
    String overlap = wire("overlap", spec.overlap(), "allow", Set.of("allow", "skip"));
    return new ScheduleRecord(
        id,
        env.id(),
        taskId,
        cron.text(),
        zone,
        spec.externalId(),
        spec.deduplicationKey(),
        declarative,
        spec.active() == null || spec.active(),
        missed,
        limit,
        overlap,
        window.toMillis(),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static String wire(String field, String value, String otherwise, Set<String> valid) {
    if (value == null) {
      return otherwise;
    }
    if (!valid.contains(value)) {
      throw invalid(field + " must be one of " + valid + ", was \"" + value + "\"");
    }
    return value;
  }

  private static void text(String field, String value) {
    if (value != null
        && (value.isEmpty()
            || value.length() > 256
            || value.chars().anyMatch(Character::isISOControl))) {
      throw invalid(field + " must be 1 to 256 characters without control characters");
    }
  }

  private static EngineException invalid(String message) {
    return EngineException.badRequest("invalid_schedule", message);
  }

  private static EngineException notFound(Environment env, UUID id) {
    return EngineException.notFound(
        "schedule_not_found",
        "no schedule " + RunIds.formatSchedule(id) + " in environment " + env.slug());
  }
}
