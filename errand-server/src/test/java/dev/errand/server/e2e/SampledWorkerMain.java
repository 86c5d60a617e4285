package dev.errand.server.e2e;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker in its own JVM running {@link SampledTasks#sampled}, so that a test can kill it.
 * Arguments: API URL, secret key, worker id, JDBC URL of the sample tables.
 */
public final class SampledWorkerMain {
  private SampledWorkerMain() {}

  public static void main(String[] args) throws Exception {
    ErrandClient client = ErrandClient.builder().apiUrl(args[0]).secretKey(args[1]).build();
    ErrandWorker worker =
        ErrandWorker.builder()
            .client(client)
            .register(SampledTasks.sampled(args[3], args[2]))
            .workerId(args[2])
            .maxConcurrency(5)
            .build();
    worker.start();
    new CountDownLatch(1).await(10, TimeUnit.MINUTES); // the test kills this process
  }
}
