package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ScheduledEvent;
import dev.errand.sdk.internal.Json;
import dev.errand.server.ErrandServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three server nodes share one PostgreSQL database and one (test) clock; each runs its own firer.
 * Over 100 ticks, every tick starts exactly one run.
 */
class PostgresScheduleMultiNodeTest extends ServerTestBase {

  final SettableClock clock = new SettableClock();

  @Override
  java.time.Clock serverClock() {
    return clock;
  }

  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }

  @Test
  void threeNodesFireExactlyOneRunPerTickOver100Ticks() throws Exception {
    ErrandServer third = startServerOn(0);
    try {
      otherNode(); // the second node
      String task = unique("every-minute");
      startWorker(ScheduleTasks.recording(task));
      Instant start = Instant.parse("2027-06-01T00:00:30Z");
      clock.set(start);
      HttpResponse<String> created =
          post("/api/v1/schedules", "{\"task\": \"" + task + "\", \"cron\": \"* * * * *\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = Json.mapper().readTree(created.body()).path("id").asText();
      for (int tick = 1; tick <= 100; tick++) {
        clock.set(start.plusSeconds(60L * tick));
        int expected = tick;
        await().atMost(TIMEOUT).until(() -> ScheduleTasks.received(task).size() >= expected);
      }
      Set<Instant> ticks = new HashSet<>();
      for (ScheduledEvent e : ScheduleTasks.received(task)) {
        assertThat(ticks.add(e.timestamp())).as("tick %s fired twice", e.timestamp()).isTrue();
      }
      assertThat(ticks).hasSize(100);
      int runs = 0;
      String cursor = null;
      do {
        JsonNode page =
            getJson(
                "/api/v1/runs?limit=100&scheduleId="
                    + id
                    + (cursor == null ? "" : "&cursor=" + cursor));
        runs += page.path("data").size();
        cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      } while (cursor != null);
      assertThat(runs).isEqualTo(100);
    } finally {
      third.close();
    }
  }
}
