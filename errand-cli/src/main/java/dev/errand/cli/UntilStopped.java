package dev.errand.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a command running until the process is asked to stop (Ctrl-C, SIGTERM). */
final class UntilStopped {
  private UntilStopped() {}

  /**
   * Blocks until the JVM shuts down, then closes {@code parts} in order (workers before the server
   * they talk to) from the shutdown hook.
   */
  static int await(AutoCloseable... parts) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable part : parts) {
                    closeQuietly(part);
                  }
                  stopped.countDown();
                },
                "errand-shutdown"));
    stopped.await();
    return 0;
  }

  private static void closeQuietly(AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      System.err.println("errand: stopping " + part + " failed: " + CliErrors.describe(e));
    }
  }
}
