package dev.errand.server.e2e;

import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker in its own JVM for the durable-execution fault tests, so that the test can kill it
 * (SIGKILL) or pause it (SIGSTOP): it runs {@link ProcessTasks#fiveSteps} blocking in step 3 and
 * {@link ProcessTasks#threeSteps} holding in step 2, and marks their results with its worker id.
 *
 * <p>Arguments: API URL, secret key, worker id.
 */
public final class DurableWorkerMain {
  private DurableWorkerMain() {}

  public static void main(String[] args) throws Exception {
    String workerId = args[2];
    ErrandClient client = ErrandClient.builder().apiUrl(args[0]).secretKey(args[1]).build();
    ErrandWorker worker =
        ErrandWorker.builder()
            .client(client)
            .register(
                ProcessTasks.fiveSteps(workerId, true), ProcessTasks.threeSteps(workerId, true))
            .workerId(workerId)
            .build();
    worker.start();
    new CountDownLatch(1).await(10, TimeUnit.MINUTES); // the test kills this process
  }
}
