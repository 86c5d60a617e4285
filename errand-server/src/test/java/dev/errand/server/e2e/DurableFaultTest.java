package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunHandle;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import dev.errand.server.e2e.ProcessTasks.Job;
import dev.errand.server.e2e.TestTasks.Key;
import dev.errand.server.engine.EngineConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Durable execution under faults, on both stores: a worker process killed with SIGKILL or frozen
 * with SIGSTOP in the middle of a run, and a server restarted while a run waits or while a step
 * ends. Effects of the worker processes are counted in files ({@link ProcessTasks}).
 */
abstract class DurableFaultTest extends ServerTestBase {
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killProcesses() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  /** Starts a {@link DurableWorkerMain} in its own JVM. */
  Process startWorkerProcess(String workerId) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DurableWorkerMain.class.getName(),
                server.localUrl(),
                secretKey,
                workerId)
            .redirectErrorStream(true)
            .redirectOutput(tempDir.resolve(workerId + ".log").toFile())
            .start();
    processes.add(process);
    return process;
  }

  /** Triggers once the worker process has registered the task. */
  <O> RunHandle<O> triggerWhenRegistered(Task<Job, O> task, Job job) {
    return await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> client.trigger(task, job), h -> h != null);
  }

  JsonNode steps(String runId) throws Exception {
    return getJson("/api/v1/runs/" + runId).path("steps");
  }

  boolean completedSteps(String runId, int n) throws Exception {
    JsonNode steps = steps(runId);
    int completed = 0;
    for (JsonNode s : steps) {
      completed += s.path("status").asText().equals("COMPLETED") ? 1 : 0;
    }
    return completed >= n;
  }

  static void signal(Process process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %d", signal, process.pid()).isZero();
  }

  @Test
  void aKilledWorkersRecordedStepsAreNotRunAgainByTheWorkerThatTakesOver() throws Exception {
    String doomed = unique("doomed");
    Process process = startWorkerProcess(doomed);
    Job job = new Job(tempDir.toString(), unique("k"));
    RunHandle<String> handle = triggerWhenRegistered(ProcessTasks.fiveSteps("test", false), job);
    await().atMost(TIMEOUT).until(() -> completedSteps(handle.id(), 2));
    await().atMost(TIMEOUT).until(() -> ProcessTasks.effects(job, "blocked") == 1);
    assertThat(client.runs().get(handle.id()).status()).isEqualTo(RunStatus.EXECUTING);

    process.destroyForcibly(); // SIGKILL, between step 2 and step 3
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    ErrandWorker survivor = startWorker(ProcessTasks.fiveSteps("survivor", false));

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output())
        .isEqualTo("s1@%s,s2@%s,s3@survivor,s4@survivor,s5@survivor".formatted(doomed, doomed));
    for (String step : List.of("s1", "s2", "s3", "s4", "s5", "blocked")) {
      assertThat(ProcessTasks.effects(job, step)).as("effects of %s", step).isEqualTo(1);
    }
    assertThat(run.attempts()).hasSize(2);
    assertThat(run.attempts().get(0).workerId()).isEqualTo(doomed);
    assertThat(run.attempts().get(0).status()).isEqualTo("CRASHED");
    assertThat(run.attempts().get(1).workerId())
        .isEqualTo(survivor.workerId())
        .isNotEqualTo(doomed);
    JsonNode steps = steps(handle.id());
    assertThat(steps).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(steps.get(i).path("name").asText()).isEqualTo("s" + (i + 1));
      assertThat(steps.get(i).path("attempt").asInt()).isEqualTo(i < 2 ? 1 : 2);
    }
  }

  @Test
  void aRunWaitingWhileTheServerRestartsResumesAndCompletes() throws Exception {
    startWorker(DurableTasks.WAITS_THREE_SECONDS);
    String key = unique("restart");
    RunHandle<String> handle = client.trigger(DurableTasks.WAITS_THREE_SECONDS, new Key(key));
    await().atMost(TIMEOUT).until(() -> client.runs().get(handle).status() == RunStatus.WAITING);
    int port = URI.create(server.localUrl()).getPort();

    server.close();
    server = startServerOn(port);

    assertThat(
            getJson("/api/v1/runs/" + handle.id())
                .path("waitpoints")
                .get(0)
                .path("status")
                .asText())
        .as("the wait is still pending when the new server starts")
        .isEqualTo("WAITING");

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(DurableTasks.effects(key, "before")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "after")).isEqualTo(1);
    JsonNode details = getJson("/api/v1/runs/" + handle.id());
    JsonNode wait = details.path("waitpoints").get(0);
    assertThat(wait.path("type").asText()).isEqualTo("DURATION");
    assertThat(wait.path("status").asText()).isEqualTo("COMPLETED");
    Instant resumeAt = Instant.parse(wait.path("resumeAt").asText());
    JsonNode after = details.path("steps").get(2);
    assertThat(after.path("name").asText()).isEqualTo("after");
    assertThat(Instant.parse(after.path("startedAt").asText()))
        .as("the step after the wait ran once the wait was over")
        .isAfterOrEqualTo(resumeAt);
  }

  /** Engine timing with a lease long enough to outlast the server outage of a test. */
  static final EngineConfig LONG_LEASE =
      new EngineConfig(
          Duration.ofSeconds(15),
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          Duration.ofSeconds(25));

  /**
   * The worker's warning once its step report backs off to the longest pause: by then it has sent
   * the report 7 times over about 6 s, longer than a few quick retries and shorter than the lease.
   */
  static final String LONGEST_BACKOFF = "retrying in 5000 ms";

  @Test
  void aStepThatEndsWhileTheServerIsDownIsRecordedWhenItIsBackAndRunsOnce() throws Exception {
    int port = URI.create(server.localUrl()).getPort();
    server.close();
    server = startServerOn(port, LONG_LEASE);
    startWorker(DurableTasks.GATED_STEPS);
    String key = unique("outage");
    RunHandle<String> handle = client.trigger(DurableTasks.GATED_STEPS, new Key(key));
    await().atMost(TIMEOUT).until(() -> DurableTasks.effects(key, "one-started") == 1);

    ch.qos.logback.classic.Logger taskLog =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("errand.task." + DurableTasks.GATED_STEPS.id());
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> warnings =
        new ch.qos.logback.core.read.ListAppender<>();
    warnings.start();
    taskLog.addAppender(warnings);
    try {
      server.close();
      DurableTasks.gate(key).countDown(); // step one ends and reports while the server is down
      await().atMost(TIMEOUT).until(() -> DurableTasks.effects(key, "one") == 1);
      await() // the server stays down until the worker has kept retrying for a while
          .atMost(TIMEOUT)
          .until(
              () ->
                  warnings.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().contains(LONGEST_BACKOFF)));
    } finally {
      taskLog.detachAppender(warnings);
    }
    server = startServerOn(port, LONG_LEASE);

    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("one,two");
    assertThat(DurableTasks.effects(key, "one-started")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "one")).isEqualTo(1);
    assertThat(DurableTasks.effects(key, "two")).isEqualTo(1);
    assertThat(run.attempts())
        .as("the outage cost no attempt")
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("COMPLETED"));
  }

  @Test
  void aTokensCallbackUrlStillWorksAfterTheServerRestarts() throws Exception {
    HttpResponse<String> created = post("/api/v1/waitpoints/tokens", "{\"timeout\":\"1h\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    JsonNode token = Json.mapper().readTree(created.body());
    startWorker(DurableTasks.AWAITS_TOKEN);
    String key = unique("restart-token");
    RunHandle<String> handle =
        client.trigger(
            DurableTasks.AWAITS_TOKEN, new DurableTasks.TokenJob(key, token.path("id").asText()));
    await().atMost(TIMEOUT).until(() -> client.runs().get(handle).status() == RunStatus.WAITING);
    int port = URI.create(server.localUrl()).getPort();

    server.close();
    server = startServerOn(port);
    HttpResponse<String> completed =
        postTo(URI.create(token.path("url").asText()), "{\"approved\":true,\"by\":\"eve\"}", null);

    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.output()).isEqualTo("approved by eve");
    assertThat(DurableTasks.effects(key, "resumed")).isEqualTo(1);
  }

  @Test
  void aPausedWorkerThatWakesUpAfterAnotherFinishedItsRunChangesNothing() throws Exception {
    String zombie = unique("zombie");
    Process process = startWorkerProcess(zombie);
    Job job = new Job(tempDir.toString(), unique("p"));
    RunHandle<String> handle = triggerWhenRegistered(ProcessTasks.threeSteps("test", false), job);
    await().atMost(TIMEOUT).until(() -> ProcessTasks.effects(job, "holding") == 1);
    assertThat(completedSteps(handle.id(), 1)).isTrue();

    signal(process, "STOP"); // holds the run inside step 2, past its lease
    ErrandWorker second = startWorker(ProcessTasks.threeSteps("second", false));
    Run<String> run = client.runs().awaitCompletion(handle, TIMEOUT);
    assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
    String expected = "one@%s,two@second,three@second".formatted(zombie);
    assertThat(run.output()).isEqualTo(expected);
    JsonNode stepsBefore = steps(handle.id());

    Files.writeString(job.file("release"), "go");
    signal(process, "CONT");

    await()
        .atMost(TIMEOUT)
        .until(() -> Files.exists(job.file("two-ended")) && Files.size(job.file("two-ended")) > 0);
    assertThat(Files.readString(job.file("two-ended")))
        .as("the zombie's report of step 2 is refused")
        .isEqualTo("dev.errand.sdk.internal.worker.LeaseLostSignal");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Run<String> now = client.runs().get(handle);
              return now.status() == RunStatus.COMPLETED && expected.equals(now.output());
            });
    // What the zombie would send if it went on: its result, under its (first) lease.
    HttpResponse<String> zombieResult =
        post(
            "/api/v1/workers/complete",
            ("{\"workerId\":\"%s\",\"results\":[{\"runId\":\"%s\",\"taskIdentifier\":"
                    + "\"three-steps\",\"leaseToken\":1,\"attempt\":1,\"success\":true,"
                    + "\"output\":\"zombie\"}]}")
                .formatted(zombie, handle.id()));
    assertThat(Json.mapper().readTree(zombieResult.body()).path("rejected"))
        .extracting(JsonNode::asText)
        .containsExactly(handle.id());
    JsonNode stepsAfter = steps(handle.id());
    assertThat(stepsAfter).isEqualTo(stepsBefore);
    assertThat(stepsAfter).hasSize(3);
    assertThat(stepsAfter.get(0).path("output").asText()).isEqualTo("one@" + zombie);
    assertThat(stepsAfter.get(1).path("output").asText()).isEqualTo("two@second");
    assertThat(stepsAfter.get(2).path("output").asText()).isEqualTo("three@second");
    assertThat(ProcessTasks.effects(job, "one")).isEqualTo(1);
    assertThat(ProcessTasks.effects(job, "two")).as("once by each worker").isEqualTo(2);
    assertThat(ProcessTasks.effects(job, "three")).isEqualTo(1);
    Run<String> last = client.runs().get(handle);
    assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(last.output()).isEqualTo(expected);
    assertThat(last.attempts()).hasSize(2);
    assertThat(last.attempts().get(0).workerId()).isEqualTo(zombie);
    assertThat(last.attempts().get(0).status()).isEqualTo("CRASHED");
    assertThat(last.attempts().get(1).workerId()).isEqualTo(second.workerId());
    assertThat(last.attempts().get(1).status()).isEqualTo("COMPLETED");
  }
}
