package dev.errand.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunPage;
import dev.errand.sdk.RunQuery;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import dev.errand.sdk.WebhookEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The webhook scenario's task, endpoint and exactly-once check. The task body counts how often it
 * ran each delivery (by the event's provider delivery id); the check then reads back every run of
 * the task and the deliveries log over the API, and compares both with what the senders were told.
 * Thread-safe.
 */
final class WebhookCheck {
  static final String TASK_ID = "bench-webhook";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Integer> executions = new ConcurrentHashMap<>();
  private final AtomicLong distinct = new AtomicLong();
  private final Task<WebhookEvent, Void> task =
      Task.define(TASK_ID, WebhookEvent.class, Void.class)
          .run(
              (event, ctx) -> {
                if (executions.merge(event.providerDeliveryId(), 1, Integer::sum) == 1) {
                  distinct.incrementAndGet();
                }
                return null;
              });

  /**
   * What the task body and the server say, against what the senders were told.
   *
   * @param accepted deliveries the senders saw accepted (warm-up included)
   * @param duplicates redeliveries the senders saw answered as duplicates
   * @param executedOnce accepted deliveries whose run's body ran exactly once
   * @param executedMore deliveries whose body ran more than once, or that were never accepted
   * @param runs runs of the task the server lists
   * @param runsMatched runs whose delivery and run id are the ones the senders were told
   * @param completedOnce runs COMPLETED after one attempt
   * @param logAccepted deliveries the log lists as accepted, with the id the senders were told
   * @param logDuplicates deliveries the log lists as duplicates
   * @param logOther deliveries the log lists as rejected or unrouted, or accepted under an unknown
   *     id
   */
  record Checks(
      int accepted,
      long duplicates,
      long executedOnce,
      long executedMore,
      long runs,
      long runsMatched,
      long completedOnce,
      long logAccepted,
      long logDuplicates,
      long logOther) {

    boolean verified() {
      return accepted > 0
          && executedOnce == accepted
          && executedMore == 0
          && runs == accepted
          && runsMatched == accepted
          && completedOnce == accepted
          && logAccepted == accepted
          && logDuplicates == duplicates
          && logOther == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "accepted %d, duplicates %d; bodies ran once %d, more or unknown %d; runs %d,"
              + " matching %d, completed once %d; log accepted %d, duplicate %d, other %d",
          accepted,
          duplicates,
          executedOnce,
          executedMore,
          runs,
          runsMatched,
          completedOnce,
          logAccepted,
          logDuplicates,
          logOther);
    }
  }

  ErrandWorker worker(ErrandClient client, int maxConcurrency) {
    return ErrandWorker.builder()
        .client(client)
        .register(task)
        .maxConcurrency(maxConcurrency)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Creates a GitHub endpoint routing every delivery to the task; returns its ingest URL. */
  static URI createEndpoint(Deployment deployment, String secret) {
    String body =
        """
        {"name": "bench", "verifier": {"type": "github", "secret": "%s"},
         "routes": [{"task": "%s"}]}"""
            .formatted(secret, TASK_ID);
    HttpResponse<String> r =
        call(
            deployment,
            HttpRequest.newBuilder(URI.create(deployment.url() + "/api/v1/webhooks/endpoints"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("creating the endpoint: HTTP " + r.statusCode() + r.body());
    }
    return URI.create(tree(r.body()).path("url").asText());
  }

  /** Waits until the body has run {@code n} distinct deliveries; false after {@code timeout}. */
  boolean awaitExecuted(long n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (distinct.get() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    return true;
  }

  Checks check(Deployment deployment, WebhookLoad load) {
    Map<String, WebhookLoad.Accepted> accepted = load.accepted;
    long once = 0;
    long more = 0;
    for (Map.Entry<String, Integer> e : executions.entrySet()) {
      if (e.getValue() == 1 && accepted.containsKey(e.getKey())) {
        once++;
      } else {
        more++;
      }
    }
    long runs = 0;
    long matched = 0;
    long completedOnce = 0;
    Set<String> seen = new HashSet<>();
    RunQuery query = RunQuery.ALL.withTaskIdentifier(TASK_ID).withLimit(100);
    ErrandClient client = deployment.client();
    while (true) {
      RunPage page = client.runs().list(query);
      for (Run<JsonNode> run : page.data()) {
        runs++;
        String key = run.payload().path("providerDeliveryId").asText();
        WebhookLoad.Accepted a = accepted.get(key);
        if (a != null
            && a.runId().equals(run.id())
            && a.deliveryId().equals(run.payload().path("deliveryId").asText())
            && seen.add(key)) {
          matched++;
        }
        completedOnce += run.status() == RunStatus.COMPLETED && run.attemptCount() == 1 ? 1 : 0;
      }
      if (page.nextCursor() == null) {
        break;
      }
      query = query.withCursor(page.nextCursor());
    }
    Set<String> deliveryIds = new HashSet<>();
    accepted.values().forEach(a -> deliveryIds.add(a.deliveryId()));
    long[] log = deliveries(deployment, "accepted", deliveryIds);
    long[] dup = deliveries(deployment, "duplicate", deliveryIds);
    long other = log[1] + deliveries(deployment, "rejected", Set.of())[0];
    other += deliveries(deployment, "unrouted", Set.of())[0];
    return new Checks(
        accepted.size(),
        load.duplicates.sum(),
        once,
        more,
        runs,
        matched,
        completedOnce,
        log[0],
        dup[0] + dup[1],
        other);
  }

  /**
   * Pages through the deliveries log with {@code status}: how many have an id in {@code known}, and
   * how many do not. For duplicates the id is their own, so all count as unknown.
   */
  private static long[] deliveries(Deployment deployment, String status, Set<String> known) {
    long in = 0;
    long out = 0;
    String cursor = null;
    do {
      String uri =
          deployment.url()
              + "/api/v1/webhooks/deliveries?limit=100&status="
              + status
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> r = call(deployment, HttpRequest.newBuilder(URI.create(uri)).GET());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("listing deliveries: HTTP " + r.statusCode() + r.body());
      }
      JsonNode page = tree(r.body());
      for (JsonNode d : page.path("data")) {
        if (known.contains(d.path("id").asText())) {
          in++;
        } else {
          out++;
        }
      }
      cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
    } while (cursor != null);
    return new long[] {in, out};
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<String> call(Deployment deployment, HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.header("Authorization", "Bearer " + deployment.secretKey()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("calling the server: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling the server", e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("the server's answer is not JSON: " + json, e);
    }
  }
}
