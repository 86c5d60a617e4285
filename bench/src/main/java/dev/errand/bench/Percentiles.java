package dev.errand.bench;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of latencies, in milliseconds. A sample of {@link Long#MAX_VALUE}
 * nanoseconds means "never happened" and is counted as {@code missing}, not as a latency.
 */
record Percentiles(
    int count,
    int missing,
    double p50,
    double p90,
    double p95,
    double p99,
    double max,
    double mean) {

  static Percentiles of(long[] nanos) {
    long[] sorted = Arrays.stream(nanos).filter(n -> n != Long.MAX_VALUE).sorted().toArray();
    int missing = nanos.length - sorted.length;
    if (sorted.length == 0) {
      return new Percentiles(
          0, missing, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Percentiles(
        sorted.length,
        missing,
        ms(rank(sorted, 0.50)),
        ms(rank(sorted, 0.90)),
        ms(rank(sorted, 0.95)),
        ms(rank(sorted, 0.99)),
        ms(sorted[sorted.length - 1]),
        ms((long) Arrays.stream(sorted).average().orElse(0)));
  }

  private static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.clamp(index, 0, sorted.length - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
