package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.sdk.Queue;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.TriggerOptions;
import dev.errand.server.e2e.TestTasks.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Edge cases of durable execution found in review: bad values from task code become clear failures
 * instead of jamming the worker, a timed-out attempt does not overlap its retry, and a limited
 * queue is not starved by an unlimited backlog. On both stores.
 */
abstract class DurableEdgeCaseTest extends ServerTestBase {

  record Item(int n) {}

  static final Task<Item, Integer> ECHO =
      Task.define("edge-echo", Item.class, Integer.class).run((item, ctx) -> item.n());

  /** Triggers a child with zero attempts, which the server must refuse. */
  static final Task<Key, String> BAD_CHILD_OPTIONS =
      Task.define("edge-bad-child", Key.class, String.class)
          .run(
              (key, ctx) -> {
                ECHO.triggerAndWait(ctx, new Item(1), TriggerOptions.NONE.withMaxAttempts(0));
                return "unreachable";
              });

  /** Waits until the end of time, which no store can hold. */
  static final Task<Key, String> WAITS_FOREVER =
      Task.define("edge-waits-forever", Key.class, String.class)
          .run(
              (key, ctx) -> {
                ctx.waitUntil(Instant.MAX);
                return "unreachable";
              });

  /** Spans of each attempt of a run (start and end nanos), by key. */
  static final Map<String, List<long[]>> SPANS = new ConcurrentHashMap<>();

  /** Ignores interrupts for 2 s on its first attempt, past its 1 s maximum duration. */
  static final Task<Key, String> IGNORES_INTERRUPTS =
      Task.define("edge-ignores-interrupts", Key.class, String.class)
          .maxDuration(Duration.ofSeconds(1))
          .retry(DurableTasks.FAST_RETRY)
          .run(
              (key, ctx) -> {
                long start = System.nanoTime();
                try {
                  if (ctx.attempt() == 1) {
                    long until = start + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < until) {
                      Thread.onSpinWait(); // deaf to interrupts, like a blocking socket read
                    }
                  }
                  return "attempt " + ctx.attempt();
                } finally {
                  SPANS
                      .computeIfAbsent(key.key(), k -> new CopyOnWriteArrayList<>())
                      .add(new long[] {start, System.nanoTime()});
                }
              });

  /** Swallows everything around its wait, then returns, and wraps a second wait's signal. */
  static final Task<Key, String> SWALLOWS_ITS_WAIT =
      Task.define("edge-swallows-wait", Key.class, String.class)
          .run(
              (key, ctx) -> {
                try {
                  ctx.waitFor(Duration.ofMillis(300));
                } catch (Throwable swallowed) {
                  DurableTasks.effect(key.key(), "swallowed");
                  return "went on without waiting";
                }
                try {
                  ctx.waitFor(Duration.ofMillis(300));
                } catch (Throwable t) {
                  throw new IllegalStateException("wrapped", t);
                }
                return "waited twice";
              });

  static final List<String> STARTED = new CopyOnWriteArrayList<>();

  static final Task<Item, Integer> BACKLOG =
      Task.define("edge-backlog", Item.class, Integer.class)
          .run(
              (item, ctx) -> {
                STARTED.add("backlog");
                Thread.sleep(20);
                return item.n();
              });

  static final Task<Item, Integer> LIMITED =
      Task.define("edge-limited", Item.class, Integer.class)
          .queue(Queue.named("edge-limited").concurrencyLimit(1))
          .run(
              (item, ctx) -> {
                STARTED.add("limited");
                return item.n();
              });

  @Test
  void aChildWithImpossibleOptionsFailsTheParentAndTheWorkerGoesOn() {
    startWorker(BAD_CHILD_OPTIONS, ECHO);
    RunHandle<String> parent = client.trigger(BAD_CHILD_OPTIONS, new Key(unique("bad")));

    Run<String> run = client.runs().awaitCompletion(parent, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().type()).isEqualTo("dev.errand.ResultRefused");
    assertThat(run.error().message()).contains("maxAttempts");
    RunHandle<Integer> next = client.trigger(ECHO, new Item(7));
    assertThat(client.runs().awaitCompletion(next, TIMEOUT).output()).isEqualTo(7);
  }

  @Test
  void aWaitBeyondTheLongestAllowedFailsTheRunAndTheWorkerGoesOn() {
    startWorker(WAITS_FOREVER, ECHO);
    RunHandle<String> handle = client.trigger(WAITS_FOREVER, new Key(unique("forever")));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error().message()).contains("366 days");
    RunHandle<Integer> next = client.trigger(ECHO, new Item(8));
    assertThat(client.runs().awaitCompletion(next, TIMEOUT).output()).isEqualTo(8);
  }

  @Test
  void aTimedOutAttemptThatIgnoresInterruptsEndsBeforeItsRetryStarts() {
    startWorker(IGNORES_INTERRUPTS);
    String key = unique("deaf");
    RunHandle<String> handle = client.trigger(IGNORES_INTERRUPTS, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.output()).isEqualTo("attempt 2");
    List<long[]> spans = SPANS.get(key);
    assertThat(spans).hasSize(2);
    assertThat(spans.get(1)[0])
        .as("attempt 2 starts after attempt 1 ended")
        .isGreaterThan(spans.get(0)[1]);
  }

  @Test
  void aLimitedQueueIsNotStarvedByAnUnlimitedBacklogOnAOneSlotWorker() {
    STARTED.clear();
    startWorker(BACKLOG, LIMITED).close(); // registers the tasks, then goes away
    List<RunHandle<Integer>> backlog =
        client.batchTrigger(BACKLOG, IntStream.range(0, 100).mapToObj(Item::new).toList());
    RunHandle<Integer> limited = client.trigger(LIMITED, new Item(1));
    startWorker(1, BACKLOG, LIMITED);

    assertThat(client.runs().awaitCompletion(limited, TIMEOUT).status())
        .isEqualTo(RunStatus.COMPLETED);

    assertThat(STARTED.indexOf("limited")).as("runs started before the limited one").isLessThan(10);
    for (RunHandle<Integer> h : backlog) {
      assertThat(client.runs().awaitCompletion(h, TIMEOUT).status()).isEqualTo(RunStatus.COMPLETED);
    }
  }

  @Test
  void aWaitSwallowedOrWrappedByTaskCodeStillSuspendsTheRun() throws Exception {
    startWorker(SWALLOWS_ITS_WAIT);
    String key = unique("swallow");
    RunHandle<String> handle = client.trigger(SWALLOWS_ITS_WAIT, new Key(key));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("waited twice");
    assertThat(DurableTasks.effects(key, "swallowed"))
        .as("the first execution caught it")
        .isEqualTo(1);
    assertThat(run.attemptCount()).isEqualTo(1);
    assertThat(getJson("/api/v1/runs/" + handle.id()).path("waitpoints")).hasSize(2);
  }

  @Test
  void aStepReportWithoutABodyObjectIsA400() throws Exception {
    expectError(post("/api/v1/workers/steps", "null"), 400, "invalid_request");
    expectError(post("/api/v1/workers/claim", "[]"), 400, "invalid_request");
  }
}
