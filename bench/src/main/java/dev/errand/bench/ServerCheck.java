package dev.errand.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunPage;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.RunStep;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/** What the server says about the benchmark's runs, read over its public API. */
final class ServerCheck {
  private static final RunQuery ONE = RunQuery.ALL.withLimit(1);
  private static final Duration POLL = Duration.ofMillis(5);

  private ServerCheck() {}

  /** Whether no run is waiting for a worker or executing. */
  static boolean drained(ErrandClient client) {
    return none(client, RunStatus.EXECUTING)
        && none(client, RunStatus.QUEUED)
        && none(client, RunStatus.DELAYED);
  }

  /**
   * Milliseconds one {@link #drained} check takes once every run has finished: three {@code GET
   * /api/v1/runs?status=...&limit=1} calls that find nothing (median of five checks).
   */
  static double timeDrainedCheck(ErrandClient client) {
    long[] nanos = new long[5];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      drained(client);
      nanos[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(nanos);
    return nanos[nanos.length / 2] / 1e6;
  }

  private static boolean none(ErrandClient client, RunStatus status) {
    return client.runs().list(ONE.withStatus(status)).data().isEmpty();
  }

  /**
   * Polls (every 5 ms) until {@link #drained}; returns the System.nanoTime when it first was, or -1
   * after {@code timeout}.
   */
  static long awaitDrained(ErrandClient client, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (drained(client)) {
        return System.nanoTime();
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
    return -1;
  }

  /**
   * Every run in the environment, tallied: runs per status, runs whose attempt count is not 1,
   * whether each sequence number 0..runs-1 has exactly one run, and runs whose concurrency key is
   * not the expected one.
   */
  record Tally(
      Map<RunStatus, Integer> byStatus,
      int total,
      int notOneAttempt,
      int seqMissing,
      int seqDuplicated,
      int wrongKey) {
    int count(RunStatus s) {
      return byStatus.getOrDefault(s, 0);
    }

    /**
     * All {@code runs} runs COMPLETED after exactly one attempt, one run per sequence number, each
     * with its expected concurrency key.
     */
    boolean allCompletedOnce(int runs) {
      return total == runs
          && count(RunStatus.COMPLETED) == runs
          && notOneAttempt == 0
          && seqMissing == 0
          && seqDuplicated == 0
          && wrongKey == 0;
    }

    @Override
    public String toString() {
      return "runs "
          + total
          + " "
          + byStatus
          + ", attempts!=1: "
          + notOneAttempt
          + ", seq missing/duplicated: "
          + seqMissing
          + "/"
          + seqDuplicated
          + ", wrong concurrency key: "
          + wrongKey;
    }
  }

  /** Pages through every run (100 a page), newest first; no run should have a concurrency key. */
  static Tally tally(ErrandClient client, int runs) {
    return tally(client, runs, seq -> null);
  }

  /**
   * Pages through every run (100 a page), newest first; run {@code seq} should have the concurrency
   * key {@code expectedKey.apply(seq)} (null: none).
   */
  static Tally tally(ErrandClient client, int runs, IntFunction<String> expectedKey) {
    Map<RunStatus, Integer> byStatus = new EnumMap<>(RunStatus.class);
    BitSet seen = new BitSet(runs);
    int total = 0;
    int notOneAttempt = 0;
    int duplicated = 0;
    int outOfRange = 0;
    int wrongKey = 0;
    RunQuery query = RunQuery.ALL.withLimit(100);
    while (true) {
      RunPage page = client.runs().list(query);
      for (Run<JsonNode> run : page.data()) {
        total++;
        byStatus.merge(run.status(), 1, Integer::sum);
        notOneAttempt += run.attemptCount() == 1 ? 0 : 1;
        int seq = run.payload().path("seq").asInt(-1);
        if (seq < 0 || seq >= runs) {
          outOfRange++;
          continue;
        }
        if (seen.get(seq)) {
          duplicated++;
        } else {
          seen.set(seq);
        }
        wrongKey += Objects.equals(run.concurrencyKey(), expectedKey.apply(seq)) ? 0 : 1;
      }
      if (page.nextCursor() == null) {
        break;
      }
      query = query.withCursor(page.nextCursor());
    }
    return new Tally(
        byStatus,
        total,
        notOneAttempt,
        runs - seen.cardinality(),
        duplicated + outOfRange,
        wrongKey);
  }

  /**
   * What the server recorded for the steps of every run, read one run at a time ({@code GET
   * /api/v1/runs/{id}}).
   *
   * @param runs runs read
   * @param wrong runs whose recorded steps are not exactly the expected ones
   * @param firstProblem what was wrong with the first of them, or null
   */
  record StepTally(int runs, int wrong, String firstProblem) {
    /** Every one of {@code expected} runs recorded exactly the expected steps. */
    boolean allRecorded(int expected) {
      return runs == expected && wrong == 0;
    }

    @Override
    public String toString() {
      return "steps read for "
          + runs
          + " runs, wrong in "
          + wrong
          + (firstProblem == null ? "" : " (first: " + firstProblem + ")");
    }
  }

  /**
   * Reads every run in the environment and checks that it recorded exactly the steps {@code names},
   * in order: kind STEP, COMPLETED, recorded by attempt 1 with the block run once, and the result
   * {@code {"seq": <the run's seq>, "step": <position>}}.
   */
  static StepTally steps(ErrandClient client, List<String> names) {
    int runs = 0;
    int wrong = 0;
    String firstProblem = null;
    RunQuery query = RunQuery.ALL.withLimit(100);
    while (true) {
      RunPage page = client.runs().list(query);
      for (Run<JsonNode> listed : page.data()) {
        runs++;
        Run<JsonNode> run = client.runs().get(listed.id());
        String problem = stepProblem(run, names);
        if (problem != null) {
          wrong++;
          if (firstProblem == null) {
            firstProblem = "run " + run.id() + ": " + problem;
          }
        }
      }
      if (page.nextCursor() == null) {
        break;
      }
      query = query.withCursor(page.nextCursor());
    }
    return new StepTally(runs, wrong, firstProblem);
  }

  private static String stepProblem(Run<JsonNode> run, List<String> names) {
    List<RunStep> steps = run.steps();
    if (steps == null || steps.size() != names.size()) {
      return (steps == null ? 0 : steps.size()) + " steps recorded";
    }
    int seq = run.payload().path("seq").asInt(-1);
    for (int i = 0; i < names.size(); i++) {
      RunStep s = steps.get(i);
      boolean ok =
          s.position() == i
              && s.name().equals(names.get(i))
              && s.index() == 0
              && "STEP".equals(s.kind())
              && "COMPLETED".equals(s.status())
              && s.attempt() == 1
              && s.attempts() == 1
              && s.output() != null
              && s.output().path("seq").asInt(-1) == seq
              && s.output().path("step").asInt(-1) == i;
      if (!ok) {
        return "step " + i + " is " + s;
      }
    }
    return null;
  }
}
