package dev.errand.server.e2e;

import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.RunResult;
import dev.errand.sdk.Task;
import dev.errand.sdk.TokenResult;
import dev.errand.sdk.WaitToken;
import dev.errand.server.e2e.TestTasks.Key;
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
}
