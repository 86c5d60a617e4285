package dev.errand.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's command line, validated. Every option has a default, so {@code Bench} alone runs
 * everything on both stores.
 *
 * @param stores the stores to measure, in order
 * @param scenarios the scenarios to run
 * @param runs runs per drain measurement
 * @param stepsRuns runs per drain measurement of the steps scenario
 * @param batchSize runs per {@code batchTrigger} call in the drain scenario (at most 1,000)
 * @param concurrency the worker {@code maxConcurrency} values the drain scenario tries, in order;
 *     the latency and steps scenarios use the first
 * @param rate triggers per second in the latency scenario
 * @param stepsRate triggers per second in the steps scenario (each run records three steps)
 * @param seconds measured length of the latency and steps scenarios
 * @param webhookSeconds measured length of the webhooks scenario
 * @param senders the numbers of concurrent webhook senders the webhooks scenario tries, in order
 * @param redeliverPercent the share of the webhook senders' posts that resend an accepted delivery
 *     (0 to 100)
 * @param warmupSeconds unmeasured lead-in of the latency and steps scenarios, at the same rate
 * @param warmupRuns runs of an unmeasured drain on a throw-away store before the drain figures, so
 *     the JIT has compiled the hot paths
 * @param repeat measurements per setting
 * @param postgresUrl an existing database on a loopback PostgreSQL server, used to create and drop
 *     the benchmark's own databases
 * @param poolSize connections in the PostgreSQL store's pool
 * @param timeout longest wait of any one phase (enqueue, drain, verification)
 * @param queueLimit the drain's no-op task runs on a queue with this concurrency limit (with
 *     concurrency keys: per key); 0 for none
 * @param totalLimit the drain's queue caps its executing runs across all keys at this; 0 for none
 * @param analyze PostgreSQL drain after enqueue: run {@code ANALYZE} once the runs are stored,
 *     before the clock starts
 * @param concurrencyKeys the drain triggers its runs with this many distinct concurrency keys,
 *     {@code tenant-0} .. {@code tenant-<N-1>}, round robin by sequence number; 0 for none
 * @param samplesFile where the latency scenario appends one CSV line per measured run, or null
 * @param quietWait before each measurement, wait up to this long for the rest of the machine to be
 *     idle (zero: do not wait)
 */
record Options(
    List<StoreKind> stores,
    Set<Scenario> scenarios,
    int runs,
    int stepsRuns,
    int batchSize,
    List<Integer> concurrency,
    int rate,
    int stepsRate,
    int seconds,
    int webhookSeconds,
    List<Integer> senders,
    int redeliverPercent,
    int warmupSeconds,
    int warmupRuns,
    int repeat,
    String postgresUrl,
    int poolSize,
    Duration timeout,
    Duration quietWait,
    Path samplesFile,
    int queueLimit,
    int totalLimit,
    int concurrencyKeys,
    boolean analyze) {

  enum StoreKind {
    POSTGRES,
    EMBEDDED
  }

  enum Scenario {
    DRAIN,
    LATENCY,
    STEPS,
    WEBHOOKS
  }

  static final String DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";

  static final String USAGE =
      """
      Usage: Bench [options]
        --store postgres|embedded|all     stores to measure (default all)
        --scenario drain|latency|steps|webhooks|all
                                          scenarios to run (default all)
        --runs N                          runs per drain measurement (default 20000; for the
                                          steps drain 5000)
        --batch N                         runs per batchTrigger call, 1..1000 (default 1000)
        --concurrency N[,N...]            worker maxConcurrency values the drain tries; the
                                          latency and steps scenarios use the first
                                          (default 100,200,500,1000)
        --rate N                          latency and steps scenarios: triggers per second
                                          (default 200; for steps 100)
        --seconds N                       latency, steps and webhooks scenarios: measured
                                          seconds (default 30; for webhooks 20)
        --warmup-seconds N                latency, steps and webhooks scenarios: unmeasured
                                          lead-in (default 20)
        --senders N[,N...]                webhooks: concurrent senders, one measurement per
                                          value (default 64)
        --redeliver-percent N             webhooks: share of posts that resend an accepted
                                          delivery, 0..100 (default 0)
        --warmup-runs N                   drain: unmeasured runs before the figures (default 20000)
        --repeat N                        measurements per setting (default 1)
        --postgres-url URL                loopback server to create databases on
                                          (default %s, or $ERRAND_BENCH_DATABASE_URL)
        --pool-size N                     PostgreSQL store pool size (default 10, the server's)
        --timeout-seconds N               longest wait of one phase (default 300)
        --quiet-wait-seconds N            before each measurement, wait up to N s for the rest of
                                          the machine to be idle (default 0: do not wait)
        --queue-limit N                   drain: run the no-op task on a queue with this
                                          concurrency limit, per key with --concurrency-keys
                                          (default 0: no limit)
        --total-limit N                   drain: the queue's totalConcurrencyLimit, the cap
                                          across all keys (default 0: none)
        --concurrency-keys N              drain: trigger the runs with N distinct concurrency
                                          keys, tenant-0..tenant-<N-1>, round robin
                                          (default 0: no key)
        --analyze on|off                  PostgreSQL drain after enqueue: ANALYZE the database
                                          once the runs are stored, before the clock starts, as
                                          autovacuum would a while later (default off)
        --samples FILE                    latency scenario: append every measured run's timings
                                          to FILE as CSV
      """
          .formatted(DEFAULT_POSTGRES_URL);

  Options {
    if (stores.isEmpty() || scenarios.isEmpty() || concurrency.isEmpty()) {
      throw new IllegalArgumentException("store, scenario and concurrency must not be empty");
    }
    positive("runs", runs);
    positive("runs", stepsRuns);
    positive("rate", rate);
    positive("rate", stepsRate);
    positive("seconds", seconds);
    positive("seconds", webhookSeconds);
    if (senders.isEmpty()) {
      throw new IllegalArgumentException("senders must not be empty");
    }
    senders.forEach(n -> positive("senders", n));
    if (redeliverPercent < 0 || redeliverPercent > 100) {
      throw new IllegalArgumentException(
          "redeliver-percent must be from 0 to 100, was " + redeliverPercent);
    }
    positive("repeat", repeat);
    positive("pool-size", poolSize);
    if (batchSize < 1 || batchSize > 1_000) {
      throw new IllegalArgumentException("batch must be between 1 and 1000, was " + batchSize);
    }
    if (warmupSeconds < 0 || warmupRuns < 0 || quietWait.isNegative()) {
      throw new IllegalArgumentException("warm-up values must not be negative");
    }
    concurrency.forEach(c -> positive("concurrency", c));
    limit("queue-limit", queueLimit);
    limit("total-limit", totalLimit);
    if (concurrencyKeys < 0) {
      throw new IllegalArgumentException(
          "concurrency-keys must not be negative, was " + concurrencyKeys);
    }
  }

  /** The drain queue's settings in words, such as {@code "1000 keys, limit 5/key, total 500"}. */
  String queueDescription() {
    List<String> parts = new ArrayList<>();
    if (concurrencyKeys > 0) {
      parts.add(concurrencyKeys + " keys");
    }
    if (queueLimit > 0) {
      parts.add("limit " + queueLimit + (concurrencyKeys > 0 ? "/key" : ""));
    }
    if (totalLimit > 0) {
      parts.add("total " + totalLimit);
    }
    return parts.isEmpty() ? "unlimited" : String.join(", ", parts);
  }

  static Options parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        values.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        values.put(arg.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
    }
    String envUrl = System.getenv("ERRAND_BENCH_DATABASE_URL");
    Options options =
        new Options(
            stores(values.getOrDefault("store", "all")),
            scenarios(values.getOrDefault("scenario", "all")),
            integer(values, "runs", 20_000),
            integer(values, "runs", 5_000),
            integer(values, "batch", 1_000),
            integers("concurrency", values.getOrDefault("concurrency", "100,200,500,1000")),
            integer(values, "rate", 200),
            integer(values, "rate", 100),
            integer(values, "seconds", 30),
            integer(values, "seconds", 20),
            integers("senders", values.getOrDefault("senders", "64")),
            integer(values, "redeliver-percent", 0),
            integer(values, "warmup-seconds", 20),
            integer(values, "warmup-runs", 20_000),
            integer(values, "repeat", 1),
            values.getOrDefault(
                "postgres-url", envUrl == null || envUrl.isBlank() ? DEFAULT_POSTGRES_URL : envUrl),
            integer(values, "pool-size", 10),
            Duration.ofSeconds(integer(values, "timeout-seconds", 300)),
            Duration.ofSeconds(integer(values, "quiet-wait-seconds", 0)),
            values.containsKey("samples") ? Path.of(values.get("samples")) : null,
            integer(values, "queue-limit", 0),
            integer(values, "total-limit", 0),
            integer(values, "concurrency-keys", 0),
            onOff(values.getOrDefault("analyze", "off")));
    values.keySet().removeAll(KNOWN);
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown option(s) " + values.keySet());
    }
    return options;
  }

  private static final Set<String> KNOWN =
      Set.of(
          "store",
          "scenario",
          "runs",
          "batch",
          "concurrency",
          "rate",
          "seconds",
          "senders",
          "redeliver-percent",
          "warmup-seconds",
          "warmup-runs",
          "repeat",
          "postgres-url",
          "pool-size",
          "timeout-seconds",
          "quiet-wait-seconds",
          "samples",
          "queue-limit",
          "total-limit",
          "concurrency-keys",
          "analyze");

  private static List<StoreKind> stores(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "all" -> List.of(StoreKind.POSTGRES, StoreKind.EMBEDDED);
      case "postgres", "postgresql" -> List.of(StoreKind.POSTGRES);
      case "embedded", "h2" -> List.of(StoreKind.EMBEDDED);
      default ->
          throw new IllegalArgumentException(
              "store must be postgres, embedded or all, was '" + s + "'");
    };
  }

  private static Set<Scenario> scenarios(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "all" -> EnumSet.allOf(Scenario.class);
      case "drain" -> EnumSet.of(Scenario.DRAIN);
      case "latency" -> EnumSet.of(Scenario.LATENCY);
      case "steps" -> EnumSet.of(Scenario.STEPS);
      case "webhooks" -> EnumSet.of(Scenario.WEBHOOKS);
      default ->
          throw new IllegalArgumentException(
              "scenario must be drain, latency, steps, webhooks or all, was '" + s + "'");
    };
  }

  private static boolean onOff(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new IllegalArgumentException("analyze must be on or off, was '" + s + "'");
    };
  }

  private static int integer(Map<String, String> values, String name, int fallback) {
    String s = values.get(name);
    if (s == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(s.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + s + "'");
    }
  }

  private static List<Integer> integers(String name, String s) {
    List<Integer> list = new ArrayList<>();
    for (String part : s.split(",")) {
      try {
        list.add(Integer.parseInt(part.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be integers separated by commas, was '" + s + "'");
      }
    }
    return List.copyOf(list);
  }

  /** 0 (none) or a queue limit the server accepts. */
  private static void limit(String name, int value) {
    if (value < 0 || value > dev.errand.sdk.Queue.MAX_CONCURRENCY_LIMIT) {
      throw new IllegalArgumentException(
          name
              + " must be 0 (none) or from 1 to "
              + dev.errand.sdk.Queue.MAX_CONCURRENCY_LIMIT
              + ", was "
              + value);
    }
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
  }
}
