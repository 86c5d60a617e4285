package dev.errand.server.e2e;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM whose task {@code spin} keeps a CPU busy for 5 s without a blocking call, run with
 * one virtual-thread carrier: its heartbeats must still go out. Arguments: API URL, secret key.
 */
public final class SpinningWorkerMain {
  static final Duration SPIN_TIME = Duration.ofSeconds(5);

  static final Task<TestTasks.Key, String> SPIN =
      Task.define("spin", TestTasks.Key.class, String.class)
          .run(
              (key, ctx) -> {
                long end = System.nanoTime() + SPIN_TIME.toNanos();
                long x = 0;
                while (System.nanoTime() < end) {
                  x += System.identityHashCode(key) ^ x; // CPU work only
                }
                return "spun on attempt " + ctx.attempt() + (x == 42 ? "!" : "");
              });

  private SpinningWorkerMain() {}

  public static void main(String[] args) throws Exception {
    ErrandClient client = ErrandClient.builder().apiUrl(args[0]).secretKey(args[1]).build();
    ErrandWorker worker = ErrandWorker.builder().client(client).register(SPIN).build();
    worker.start();
    new CountDownLatch(1).await(5, TimeUnit.MINUTES); // the test kills this process
  }
}
