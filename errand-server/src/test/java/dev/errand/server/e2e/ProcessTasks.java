package dev.errand.server.e2e;

import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks for the fault tests, run by a worker in another JVM ({@link DurableWorkerMain}) and then by
 * one in the test's JVM under the same task id. Their side effects are counted in files, in the
 * directory the payload names, so that the test sees the effects of a process it killed.
 */
final class ProcessTasks {
  private ProcessTasks() {}

  /** A payload: the directory of the effect files, and the key that tells runs apart. */
  record Job(String dir, String key) {
    Path file(String name) {
      return Path.of(dir).resolve(key + "." + name);
    }
  }

  static final RetryPolicy RETRY =
      RetryPolicy.exponential().maxAttempts(3).minDelay(Duration.ofMillis(100)).build();

  /** Counts one execution of an effect: a line appended to its file. */
  static void effect(Job job, String name) throws IOException {
    Files.writeString(job.file(name), "x\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** How often an effect happened, in any process. */
  static int effects(Job job, String name) throws IOException {
    Path file = job.file(name);
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /**
   * Five steps; step N records effect {@code sN} and returns {@code sN@worker}, and the output
   * joins the five results. With {@code blockInStepThree}, step 3 records {@code blocked} and then
   * blocks (before its own effect) until the process is killed.
   */
  static Task<Job, String> fiveSteps(String worker, boolean blockInStepThree) {
    return Task.define("five-steps", Job.class, String.class)
        .retry(RETRY)
        .run(
            (job, ctx) -> {
              List<String> results = new ArrayList<>();
              for (int i = 1; i <= 5; i++) {
                String name = "s" + i;
                boolean block = blockInStepThree && i == 3;
                results.add(
                    ctx.step(
                        name,
                        String.class,
                        () -> {
                          if (block) {
                            effect(job, "blocked");
                            Thread.sleep(Duration.ofMinutes(10));
                          }
                          effect(job, name);
                          return name + "@" + worker;
                        }));
              }
              return String.join(",", results);
            });
  }

  /**
   * Three steps returning {@code one@worker}, {@code two@worker}, {@code three@worker}. With {@code
   * holdInStepTwo}, step 2 records {@code holding} and then holds the run, ignoring interrupts like
   * a blocking call would, until both the file {@code release} exists and the worker has
   * interrupted it (which it does when it learns that its lease is lost); how step 2 then ended in
   * that worker is written to the file {@code two-ended}.
   */
  static Task<Job, String> threeSteps(String worker, boolean holdInStepTwo) {
    return Task.define("three-steps", Job.class, String.class)
        .retry(RETRY)
        .run(
            (job, ctx) -> {
              String one =
                  ctx.step(
                      "one",
                      String.class,
                      () -> {
                        effect(job, "one");
                        return "one@" + worker;
                      });
              String two;
              try {
                two =
                    ctx.step(
                        "two",
                        String.class,
                        () -> {
                          if (holdInStepTwo) {
                            effect(job, "holding");
                            holdUntilReleasedAndInterrupted(job);
                          }
                          effect(job, "two");
                          return "two@" + worker;
                        });
              } catch (Throwable t) {
                if (holdInStepTwo) {
                  Files.writeString(job.file("two-ended"), t.getClass().getName());
                }
                throw t;
              }
              if (holdInStepTwo) {
                Files.writeString(job.file("two-ended"), "returned " + two);
              }
              String three =
                  ctx.step(
                      "three",
                      String.class,
                      () -> {
                        effect(job, "three");
                        return "three@" + worker;
                      });
              return one + "," + two + "," + three;
            });
  }

  /**
   * Waits for the interrupt before letting the step finish, so that the step's report goes out
   * after the worker stopped the attempt, and no interrupt can land in the middle of the report.
   */
  private static void holdUntilReleasedAndInterrupted(Job job) {
    boolean interrupted = false;
    while (!interrupted || !Files.exists(job.file("release"))) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
