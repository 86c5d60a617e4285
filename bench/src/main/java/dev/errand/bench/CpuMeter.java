package dev.errand.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the machine's CPU went during a measurement: this JVM (server, worker and client together),
 * the PostgreSQL processes, and everything else (which should be near zero: anything else busy on a
 * 2-core machine skews the figures). Reads {@code /proc} (Linux); elsewhere only the JVM's share is
 * known.
 */
final class CpuMeter {
  private static final Path PROC = Path.of("/proc");
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private CpuMeter() {}

  /** A point in time. Ticks are -1 when {@code /proc} cannot be read. */
  record Snapshot(
      long wallNanos,
      long jvmNanos,
      long processTicks,
      long interruptTicks,
      Map<Long, Long> postgres) {}

  /** Average cores busy over a window. NaN when unknown. */
  record Usage(
      double seconds,
      double jvmCores,
      double postgresCores,
      double interruptCores,
      double otherCores) {
    /** JVM CPU milliseconds per run. */
    double jvmMillisPer(int runs) {
      return jvmCores * seconds * 1_000 / runs;
    }
  }

  static Snapshot take() {
    long[] machine = machineTicks();
    return new Snapshot(System.nanoTime(), jvmNanos(), machine[0], machine[1], postgresTicks());
  }

  static Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    double jvm = (b.jvmNanos() - a.jvmNanos()) / 1e9 / seconds;
    if (a.processTicks() < 0 || b.processTicks() < 0) {
      return new Usage(seconds, jvm, Double.NaN, Double.NaN, Double.NaN);
    }
    long pgTicks = 0;
    for (Map.Entry<Long, Long> e : b.postgres().entrySet()) {
      pgTicks += e.getValue() - a.postgres().getOrDefault(e.getKey(), 0L);
    }
    double pg = pgTicks / TICKS_PER_SECOND / seconds;
    double processes = (b.processTicks() - a.processTicks()) / TICKS_PER_SECOND / seconds;
    double interrupts = (b.interruptTicks() - a.interruptTicks()) / TICKS_PER_SECOND / seconds;
    return new Usage(seconds, jvm, pg, interrupts, Math.max(0, processes - jvm - pg));
  }

  /**
   * Waits until the rest of the machine (not this JVM, not PostgreSQL) has used less than 0.15 of a
   * core for three seconds in a row, at most {@code max}. Returns whether it got quiet.
   */
  static boolean awaitQuiet(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    int quietSeconds = 0;
    Snapshot last = take();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      Snapshot now = take();
      double other = between(last, now).otherCores();
      last = now;
      quietSeconds = Double.isNaN(other) || other < 0.15 ? quietSeconds + 1 : 0;
      if (quietSeconds >= 3) {
        return true;
      }
    }
    return false;
  }

  private static long jvmNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /**
   * From the first line of /proc/stat: user + nice + system + steal (time in processes, or taken by
   * the hypervisor), and irq + softirq.
   */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(PROC.resolve("stat")).getFirst().trim().split("\\s+");
      long processes = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
      processes += Long.parseLong(f[8]);
      long interrupts = Long.parseLong(f[6]) + Long.parseLong(f[7]);
      return new long[] {processes, interrupts};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /** utime + stime of each process named {@code postgres}, by pid. */
  private static Map<Long, Long> postgresTicks() {
    Map<Long, Long> ticks = new HashMap<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path pid : pids) {
        try {
          String stat = Files.readString(pid.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (!stat.substring(open + 1, close).equals("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          // after "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
          ticks.put(
              Long.parseLong(pid.getFileName().toString()),
              Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return ticks;
  }
}
