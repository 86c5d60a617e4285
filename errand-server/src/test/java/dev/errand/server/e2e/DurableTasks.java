package dev.errand.server.e2e;

import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunResult;
import dev.errand.sdk.StepOptions;
import dev.errand.sdk.Task;
import dev.errand.sdk.TokenResult;
import dev.errand.sdk.TriggerOptions;
import dev.errand.sdk.WaitToken;
import dev.errand.server.e2e.TestTasks.Key;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks for the durable-execution tests; side effects are counted per key and step name. */
final class DurableTasks {
  private DurableTasks() {}

  static final Map<String, AtomicInteger> EFFECTS = new ConcurrentHashMap<>();

  static int effects(String key, String step) {
    AtomicInteger n = EFFECTS.get(key + "/" + step);
    return n == null ? 0 : n.get();
  }

  static int effect(String key, String step) {
    return EFFECTS.computeIfAbsent(key + "/" + step, k -> new AtomicInteger()).incrementAndGet();
  }

  record Approval(boolean approved, String by) {}

  /** The token each APPROVAL run created, by key. */
  static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  record Item(int n) {}

  static final RetryPolicy FAST_RETRY =
      RetryPolicy.exponential()
          .maxAttempts(3)
          .minDelay(Duration.ofMillis(10))
          .maxDelay(Duration.ofMillis(50))
          .build();

  /** Three steps; the first attempt fails after step 2, the second replays steps 1-2. */
  static final Task<Key, String> THREE_STEPS_FAILS_ONCE =
      Task.define("three-steps-fails-once", Key.class, String.class)
          .retry(FAST_RETRY)
          .run(
              (key, ctx) -> {
                String a = ctx.step("one", String.class, () -> "a" + effect(key.key(), "one"));
                String b =
                    ctx.step(
                        "two",
                        String.class,
                        () -> ctx.currentStep().idempotencyKey() + "|" + effect(key.key(), "two"));
                if (ctx.attempt() == 1) {
                  throw new IllegalStateException("boom after step two");
                }
                String c = ctx.step("three", String.class, () -> "c" + effect(key.key(), "three"));
                return a + "," + b + "," + c;
              });

  static final Task<Key, String> WAITS =
      Task.define("waits", Key.class, String.class)
          .run(
              (key, ctx) -> {
                ctx.step("before", () -> effect(key.key(), "before"));
                ctx.waitFor(Duration.ofSeconds(1));
                ctx.step("after", () -> effect(key.key(), "after"));
                return "waited";
              });

  static final Task<Key, String> APPROVAL =
      Task.define("approval", Key.class, String.class)
          .run(
              (key, ctx) -> {
                WaitToken token =
                    ctx.createToken(Duration.ofSeconds(key.key().startsWith("short") ? 1 : 60));
                ctx.step("announce", () -> TOKENS.put(key.key(), token.id()));
                TokenResult<Approval> result = ctx.waitForToken(token.id(), Approval.class);
                effect(key.key(), "resumed");
                return result.ok() ? "approved by " + result.output().by() : "timed out";
              });

  static final Task<Item, Integer> SQUARE =
      Task.define("square", Item.class, Integer.class)
          .run(
              (item, ctx) -> {
                if (item.n() < 0) {
                  throw new NonRetryableException("negative");
                }
                return item.n() * item.n();
              });

  record Squares(List<Integer> values) {}

  /** Waits for 20 children and returns their outputs in order. */
  static final Task<Key, Squares> FAN_OUT =
      Task.define("fan-out", Key.class, Squares.class)
          .run(
              (key, ctx) -> {
                effect(key.key(), "fan-out-start");
                List<Item> items = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                  items.add(new Item(i));
                }
                List<RunResult<Integer>> results = SQUARE.batchTriggerAndWait(ctx, items);
                List<Integer> out = new ArrayList<>();
                for (RunResult<Integer> r : results) {
                  out.add(r.unwrap());
                }
                return new Squares(out);
              });

  static final Task<Key, String> WAITS_THREE_SECONDS =
      Task.define("waits-three-seconds", Key.class, String.class)
          .run(
              (key, ctx) -> {
                ctx.step("before", () -> effect(key.key(), "before"));
                ctx.waitFor(Duration.ofSeconds(3));
                ctx.step("after", () -> effect(key.key(), "after"));
                return "waited";
              });

  record TokenJob(String key, String tokenId) {}

  /** Waits for a token made by someone else (the test, through the API). */
  static final Task<TokenJob, String> AWAITS_TOKEN =
      Task.define("awaits-token", TokenJob.class, String.class)
          .run(
              (job, ctx) -> {
                TokenResult<Approval> result = ctx.waitForToken(job.tokenId(), Approval.class);
                effect(job.key(), "resumed");
                return result.ok() ? "approved by " + result.output().by() : "timed out";
              });

  /** Its step two outlasts the task's maximum duration of 1 s, on attempt 1 only. */
  static final Task<Key, String> SLOW_STEP_ON_FIRST_ATTEMPT =
      Task.define("slow-step-on-first-attempt", Key.class, String.class)
          .maxDuration(Duration.ofSeconds(1))
          .retry(FAST_RETRY)
          .run(
              (key, ctx) -> {
                String one = ctx.step("one", String.class, () -> "one" + effect(key.key(), "one"));
                String two =
                    ctx.step(
                        "two",
                        String.class,
                        () -> {
                          effect(key.key(), "two");
                          if (ctx.attempt() == 1) {
                            try {
                              Thread.sleep(Duration.ofSeconds(5));
                            } catch (InterruptedException e) {
                              effect(key.key(), "two-interrupted");
                              throw e;
                            }
                          }
                          return "two on attempt " + ctx.attempt();
                        });
                return one + "," + two;
              });

  /** Sleeps 3 s on every attempt: longer than its own maximum duration of 1 s. */
  static final Task<Key, String> ALWAYS_TOO_SLOW =
      Task.define("always-too-slow", Key.class, String.class)
          .maxDuration(Duration.ofSeconds(1))
          .retry(
              RetryPolicy.exponential()
                  .maxAttempts(2)
                  .minDelay(Duration.ofMillis(10))
                  .maxDelay(Duration.ofMillis(50))
                  .build())
          .run(
              (key, ctx) -> {
                effect(key.key(), "started");
                Thread.sleep(Duration.ofSeconds(3));
                return "finished on attempt " + ctx.attempt();
              });

  /** Sleeps 3 s, without a maximum duration of its own, in one attempt. */
  static final Task<Key, String> SLEEPS_WITHOUT_LIMIT =
      Task.define("sleeps-without-limit", Key.class, String.class)
          .retry(RetryPolicy.none())
          .run(
              (key, ctx) -> {
                Thread.sleep(Duration.ofSeconds(3));
                return "finished";
              });

  /** Attempt 1 reaches steps a, b and fails; attempt 2's code reaches b first. */
  static final Task<Key, String> CHANGES_STEP_ORDER =
      Task.define("changes-step-order", Key.class, String.class)
          .retry(FAST_RETRY)
          .run(
              (key, ctx) -> {
                if (ctx.attempt() == 1) {
                  ctx.step("a", () -> effect(key.key(), "a"));
                  ctx.step("b", () -> effect(key.key(), "b"));
                  throw new IllegalStateException("attempt 1 fails after steps a and b");
                }
                ctx.step("b", () -> effect(key.key(), "b"));
                ctx.step("a", () -> effect(key.key(), "a"));
                return "reordered";
              });

  record Child(String key, int n) {}

  /** Child 0 completes, child 1 waits a minute, the others block until interrupted. */
  static final Task<Child, String> LINGERING_CHILD =
      Task.define("lingering-child", Child.class, String.class)
          .run(
              (child, ctx) -> {
                effect(child.key(), "child-" + child.n());
                if (child.n() == 0) {
                  return "done";
                }
                if (child.n() == 1) {
                  ctx.waitFor(Duration.ofMinutes(1));
                  return "waited";
                }
                try {
                  Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                  effect(child.key(), "child-" + child.n() + "-interrupted");
                  throw e;
                }
                return "slept";
              });

  /** Waits for four lingering children, tagged with its key. */
  static final Task<Key, String> PARENT_OF_LINGERING =
      Task.define("parent-of-lingering", Key.class, String.class)
          .run(
              (key, ctx) -> {
                effect(key.key(), "parent-start");
                List<Child> children = new ArrayList<>();
                for (int n = 0; n < 4; n++) {
                  children.add(new Child(key.key(), n));
                }
                List<RunResult<String>> results =
                    LINGERING_CHILD.batchTriggerAndWait(
                        ctx, children, TriggerOptions.NONE.withTags(key.key()));
                effect(key.key(), "parent-resumed");
                return results.toString();
              });

  /**
   * One step that throws twice and then succeeds, retried in place by its own policy; the task
   * itself has a single attempt.
   */
  static final Task<Key, String> FLAKY_STEP =
      Task.define("flaky-step", Key.class, String.class)
          .retry(RetryPolicy.none())
          .run(
              (key, ctx) ->
                  ctx.step(
                      "flaky",
                      StepOptions.retry(FAST_RETRY),
                      String.class,
                      () -> {
                        int n = effect(key.key(), "flaky");
                        if (n <= 2) {
                          throw new IOException("flaky on try " + n);
                        }
                        return "ok on try " + ctx.currentStep().attempt();
                      }));

  /** A step that throws on each of its three tries; the task has a single attempt. */
  static final Task<Key, String> HOPELESS_STEP =
      Task.define("hopeless-step", Key.class, String.class)
          .retry(RetryPolicy.none())
          .run(
              (key, ctx) ->
                  ctx.step(
                      "hopeless",
                      StepOptions.retry(FAST_RETRY),
                      String.class,
                      () -> {
                        throw new IOException("hopeless on try " + effect(key.key(), "hopeless"));
                      }));

  /** Waits for a child that succeeds and one that fails, and describes both results. */
  static final Task<Key, String> MIXED_CHILDREN =
      Task.define("mixed-children", Key.class, String.class)
          .run(
              (key, ctx) -> {
                List<RunResult<Integer>> results =
                    SQUARE.batchTriggerAndWait(ctx, List.of(new Item(3), new Item(-1)));
                RunResult<Integer> ok = results.get(0);
                RunResult<Integer> failed = results.get(1);
                return ok.status()
                    + " "
                    + ok.output()
                    + " / "
                    + failed.status()
                    + " "
                    + failed.error().type()
                    + ": "
                    + failed.error().message()
                    + " / "
                    + failed.runId();
              });

  /** Gates that hold a step's block until the test opens them, by key. */
  static final Map<String, java.util.concurrent.CountDownLatch> GATES = new ConcurrentHashMap<>();

  static java.util.concurrent.CountDownLatch gate(String key) {
    return GATES.computeIfAbsent(key, k -> new java.util.concurrent.CountDownLatch(1));
  }

  /** Step one waits for its key's gate to open; then step two. */
  static final Task<Key, String> GATED_STEPS =
      Task.define("gated-steps", Key.class, String.class)
          .retry(FAST_RETRY)
          .run(
              (key, ctx) -> {
                String one =
                    ctx.step(
                        "one",
                        String.class,
                        () -> {
                          effect(key.key(), "one-started");
                          gate(key.key()).await();
                          effect(key.key(), "one");
                          return "one";
                        });
                String two =
                    ctx.step(
                        "two",
                        String.class,
                        () -> {
                          effect(key.key(), "two");
                          return "two";
                        });
                return one + "," + two;
              });

  /**
   * Past its maximum duration of 1 s, ignoring interrupts like a blocking call would, until its
   * context says the attempt is over.
   */
  static final Task<Key, String> STOPS_WHEN_CANCELLED =
      Task.define("stops-when-cancelled", Key.class, String.class)
          .maxDuration(Duration.ofSeconds(1))
          .retry(RetryPolicy.none())
          .run(
              (key, ctx) -> {
                effect(key.key(), "started");
                while (!ctx.isCancelled()) {
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    effect(key.key(), "interrupt-ignored");
                  }
                }
                effect(key.key(), "stopped");
                return "stopped";
              });
}
