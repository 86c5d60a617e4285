package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Priority orders runs as if triggered earlier, without starting delayed runs early. */
abstract class PriorityTest extends ServerTestBase {

  record Label(String name) {}

  static final List<String> ORDER = new CopyOnWriteArrayList<>();

  static final Task<Label, String> RECORDS_ORDER =
      Task.define("records-order", Label.class, String.class)
          .run(
              (label, ctx) -> {
                ORDER.add(label.name());
                return label.name();
              });

  @Test
  void higherPriorityRunsStartFirst() {
    ORDER.clear();
    startWorker(RECORDS_ORDER).close(); // registers the task, then goes away
    String p = unique("p");
    List<RunHandle<String>> handles =
        List.of(
            client.trigger(RECORDS_ORDER, new Label(p + "-none")),
            client.trigger(
                RECORDS_ORDER,
                new Label(p + "-high"),
                TriggerOptions.NONE.withPriority(Duration.ofSeconds(60))),
            client.trigger(
                RECORDS_ORDER,
                new Label(p + "-mid"),
                TriggerOptions.NONE.withPriority(Duration.ofSeconds(30))));
    startWorker(1, RECORDS_ORDER);

    for (RunHandle<String> h : handles) {
      assertThat(client.runs().awaitCompletion(h, TIMEOUT).status()).isEqualTo(RunStatus.COMPLETED);
    }
    assertThat(ORDER).containsExactly(p + "-high", p + "-mid", p + "-none");
  }

  @Test
  void aDelayedRunWithPriorityStillWaitsForItsDelay() {
    startWorker(RECORDS_ORDER);
    Instant triggered = Instant.now();
    RunHandle<String> handle =
        client.trigger(
            RECORDS_ORDER,
            new Label(unique("later")),
            TriggerOptions.NONE
                .withDelay(Duration.ofMillis(1_500))
                .withPriority(Duration.ofSeconds(3_600)));
    assertThat(client.runs().get(handle).delayUntil())
        .isAfter(triggered.plusMillis(1_000))
        .isBefore(triggered.plusSeconds(10));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.startedAt()).isAfterOrEqualTo(triggered.plusMillis(1_400));
  }
}
