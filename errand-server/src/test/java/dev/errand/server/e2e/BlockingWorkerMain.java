package dev.errand.server.e2e;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker in its own JVM, for the kill -9 test: it registers task {@code slow} with a body that
 * writes a marker file and then blocks, so the test can kill it mid-run.
 *
 * <p>Arguments: API URL, secret key, marker file, worker id.
 */
public final class BlockingWorkerMain {
  private BlockingWorkerMain() {}

  public static void main(String[] args) throws Exception {
    Path marker = Path.of(args[2]);
    Task<TestTasks.Key, String> slow =
        Task.define("slow", TestTasks.Key.class, String.class)
            .retry(
                RetryPolicy.exponential().maxAttempts(3).minDelay(Duration.ofMillis(100)).build())
            .run(
                (key, ctx) -> {
                  Files.writeString(marker, ctx.runId() + " " + ctx.attempt());
                  new CountDownLatch(1).await(5, TimeUnit.MINUTES); // blocks until killed
                  return "never";
                });
    ErrandClient client = ErrandClient.builder().apiUrl(args[0]).secretKey(args[1]).build();
    ErrandWorker worker =
        ErrandWorker.builder().client(client).register(slow).workerId(args[3]).build();
    worker.start();
    new CountDownLatch(1).await(10, TimeUnit.MINUTES); // the test kills this process
  }
}
