package dev.errand.sdk;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Schedules made at run time: one per user, say, each with its own cron expression and time zone.
 * Each tick triggers one run of the schedule's task with a {@link ScheduledEvent}. (A schedule that
 * is the same for everyone is simpler declared in code, with {@link Task#scheduled}.) Get it from
 * {@link ErrandClient#schedules()}. Thread-safe.
 *
 * <pre>{@code
 * ScheduleInfo schedule = client.schedules().create(
 *     CreateScheduleOptions.task("daily-report")
 *         .cron("0 9 * * 1-5")
 *         .timezone(ZoneId.of("Europe/Paris"))
 *         .externalId("user-1")
 *         .deduplicationKey("user-1-report"));
 * schedule.nextRuns(); // the next 5 ticks
 * }</pre>
 *
 * <p>The server refuses with an {@link ErrandApiException}: 400 {@code invalid_cron} for a cron
 * expression it cannot read, 400 {@code invalid_timezone} for a zone it does not list in {@link
 * #timezones}, 400 {@code invalid_schedule} for other bad settings, 404 {@code task_not_found} for
 * a task no worker has registered, 404 {@code schedule_not_found} for an unknown id, 409 {@code
 * schedule_declarative} when changing a schedule declared in code.
 */
public final class Schedules {
  private static final String SCHEDULES = "/api/v1/schedules";
  private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(30);

  private final HttpTransport transport;
  private final ObjectMapper mapper = Json.mapper();
  private final JavaType scheduleType = mapper.constructType(ScheduleInfo.class);

  Schedules(HttpTransport transport) {
    this.transport = transport;
  }

  /**
   * Makes a schedule; or, when another schedule of the environment has the options' {@linkplain
   * CreateScheduleOptions#deduplicationKey deduplication key}, replaces that one's settings and
   * returns it (same id).
   *
   * @throws IllegalArgumentException when the options have no cron expression
   */
  public ScheduleInfo create(CreateScheduleOptions options) {
    return transport.post(SCHEDULES, body(options), scheduleType, ACTION_TIMEOUT);
  }

  /**
   * @throws ErrandApiException 404 ({@code schedule_not_found}) for an unknown id
   */
  public ScheduleInfo get(String id) {
    return transport.get(path(id), scheduleType);
  }

  /** The schedules matching the query, newest first. */
  public SchedulePage list(ScheduleQuery query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    Runs.add(q, "task", query.task());
    Runs.add(q, "limit", query.limit());
    Runs.add(q, "cursor", query.cursor());
    return transport.get(SCHEDULES + q, mapper.constructType(SchedulePage.class));
  }

  /**
   * Replaces every setting of the schedule with {@code options} (settings they leave unset go back
   * to their defaults); the schedule keeps its id, its last tick and its last run.
   *
   * @throws ErrandApiException 409 ({@code schedule_declarative}) for a schedule declared in code
   */
  public ScheduleInfo update(String id, CreateScheduleOptions options) {
    return transport.put(path(id), body(options), scheduleType);
  }

  /**
   * Deletes the schedule: it fires no more. Runs it triggered stay.
   *
   * @throws ErrandApiException 404 ({@code schedule_not_found}) for an unknown id
   */
  public void delete(String id) {
    transport.delete(path(id));
  }

  /** Makes the schedule fire again, from its next tick after now. */
  public ScheduleInfo activate(String id) {
    return transport.post(
        path(id) + "/activate", mapper.createObjectNode(), scheduleType, ACTION_TIMEOUT);
  }

  /** Stops the schedule firing; it keeps its settings ({@link #activate} starts it again). */
  public ScheduleInfo deactivate(String id) {
    return transport.post(
        path(id) + "/deactivate", mapper.createObjectNode(), scheduleType, ACTION_TIMEOUT);
  }

  /** The IANA time zone names the server accepts, such as {@code Europe/Paris}. */
  public List<String> timezones() {
    JsonNode body = transport.get("/api/v1/timezones", mapper.constructType(JsonNode.class));
    List<String> zones = new ArrayList<>();
    body.path("timezones").forEach(z -> zones.add(z.asText()));
    return List.copyOf(zones);
  }

  private static String path(String id) {
    Objects.requireNonNull(id, "schedule id");
    return SCHEDULES + "/" + Runs.encode(id);
  }

  private ObjectNode body(CreateScheduleOptions options) {
    Objects.requireNonNull(options, "options");
    if (options.cron() == null) {
      throw new IllegalArgumentException(
          "cron is required: CreateScheduleOptions.task(\""
              + options.task()
              + "\").cron(\"0 9 * * *\")");
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("task", options.task());
    body.put("cron", options.cron());
    if (options.timezone() != null) {
      body.put("timezone", options.timezone().getId());
    }
    putIfSet(body, "externalId", options.externalId());
    putIfSet(body, "deduplicationKey", options.deduplicationKey());
    putIfSet(body, "window", options.window());
    putIfSet(
        body, "missedTicks", options.missedTicks() == null ? null : options.missedTicks().wire());
    if (options.missedTickLimit() != null) {
      body.put("missedTickLimit", options.missedTickLimit());
    }
    putIfSet(body, "overlap", options.overlap() == null ? null : options.overlap().wire());
    body.put("active", options.active());
    return body;
  }

  private static void putIfSet(ObjectNode body, String field, Object value) {
    if (value != null) {
      body.put(field, value.toString());
    }
  }
}
