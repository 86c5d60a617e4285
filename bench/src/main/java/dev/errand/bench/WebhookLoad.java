package dev.errand.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Webhook senders in a closed loop: {@code senders} virtual threads, each posting one signed {@link
 * GitHubPush} delivery, waiting for the answer, and posting the next, through one shared HTTP/1.1
 * client (keep-alive). With {@code redeliverPercent}, that share of the posts resends the sender's
 * last accepted delivery instead. Every answer is checked: a new delivery must be 200 {@code
 * accepted} with one run; a redelivery 200 {@code duplicate} naming the same delivery and run.
 * Answers that arrive in the measured window are counted and timed (send to full response).
 * Thread-safe.
 */
final class WebhookLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the server answered for a new delivery. */
  record Accepted(String deliveryId, String runId) {}

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI url;
  private final String secret;
  private final int redeliverPercent;
  private final Duration timeout;
  private final long runNonce = ThreadLocalRandom.current().nextLong();
  private final AtomicLong seq = new AtomicLong();

  /** Every accepted delivery (warm-up included), by its X-GitHub-Delivery id. */
  final Map<String, Accepted> accepted = new ConcurrentHashMap<>();

  /** Answers checked as duplicates, warm-up included. */
  final LongAdder duplicates = new LongAdder();

  final LongAdder errors = new LongAdder();
  final AtomicReference<String> firstError = new AtomicReference<>();
  final LongAdder bodyBytes = new LongAdder();

  private final List<long[]> newLatencies = new ArrayList<>();
  private final List<long[]> duplicateLatencies = new ArrayList<>();

  WebhookLoad(URI url, String secret, int redeliverPercent, Duration timeout) {
    this.url = url;
    this.secret = secret;
    this.redeliverPercent = redeliverPercent;
    this.timeout = timeout;
  }

  /**
   * Runs {@code senders} senders until {@code end} (System.nanoTime); answers that arrive from
   * {@code measuredFrom} on are timed. Returns once every sender has had its last answer.
   */
  void run(int senders, long measuredFrom, long end) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < senders; i++) {
        pool.execute(() -> send(measuredFrom, end));
      }
    }
  }

  /** New deliveries accepted in the measured window, timed (nanoseconds). */
  synchronized long[] newLatencies() {
    return concat(newLatencies);
  }

  /** Redeliveries answered as duplicates in the measured window, timed (nanoseconds). */
  synchronized long[] duplicateLatencies() {
    return concat(duplicateLatencies);
  }

  long sent() {
    return seq.get();
  }

  private void send(long measuredFrom, long end) {
    GitHubPush push = new GitHubPush(secret, ThreadLocalRandom.current());
    long[] fresh = new long[4096];
    long[] again = new long[256];
    int nFresh = 0;
    int nAgain = 0;
    GitHubPush.Delivery last = null;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.nanoTime() < end) {
      boolean redeliver = last != null && random.nextInt(100) < redeliverPercent;
      GitHubPush.Delivery d;
      if (redeliver) {
        d = last;
      } else {
        long n = seq.getAndIncrement();
        d = push.next(new UUID(runNonce, n), n);
        bodyBytes.add(d.body().length);
      }
      long start = System.nanoTime();
      HttpResponse<byte[]> response;
      try {
        response =
            http.send(GitHubPush.request(url, d, timeout), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        error(d, "I/O: " + e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long done = System.nanoTime();
      boolean ok = redeliver ? duplicate(d, response) : accepted(d, response);
      if (ok && !redeliver) {
        last = d;
      }
      if (ok && done >= measuredFrom && done < end) {
        if (redeliver) {
          again = grow(again, nAgain);
          again[nAgain++] = done - start;
        } else {
          fresh = grow(fresh, nFresh);
          fresh[nFresh++] = done - start;
        }
      }
    }
    synchronized (this) {
      newLatencies.add(Arrays.copyOf(fresh, nFresh));
      duplicateLatencies.add(Arrays.copyOf(again, nAgain));
    }
  }

  private boolean accepted(GitHubPush.Delivery d, HttpResponse<byte[]> response) {
    JsonNode answer = answer(d, response);
    if (answer == null) {
      return false;
    }
    JsonNode runs = answer.path("runs");
    if (!answer.path("status").asText().equals("accepted")
        || answer.path("duplicate").asBoolean(true)
        || runs.size() != 1
        || !runs.path(0).path("task").asText().equals(WebhookCheck.TASK_ID)) {
      return error(d, "unexpected answer to a new delivery: " + answer);
    }
    Accepted a = new Accepted(answer.path("deliveryId").asText(), runs.path(0).path("id").asText());
    if (accepted.putIfAbsent(d.key(), a) != null) {
      return error(d, "delivery id sent twice by the benchmark");
    }
    return true;
  }

  private boolean duplicate(GitHubPush.Delivery d, HttpResponse<byte[]> response) {
    JsonNode answer = answer(d, response);
    if (answer == null) {
      return false;
    }
    Accepted original = accepted.get(d.key());
    JsonNode runs = answer.path("runs");
    if (!answer.path("status").asText().equals("duplicate")
        || !answer.path("duplicate").asBoolean(false)
        || !answer.path("deliveryId").asText().equals(original.deliveryId())
        || runs.size() != 1
        || !runs.path(0).path("id").asText().equals(original.runId())) {
      return error(d, "unexpected answer to a redelivery of " + original + ": " + answer);
    }
    duplicates.increment();
    return true;
  }

  /** The answer's JSON when it is a 200, else null (an error). */
  private JsonNode answer(GitHubPush.Delivery d, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      error(d, "HTTP " + response.statusCode() + " " + new String(response.body()));
      return null;
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      error(d, "answer is not JSON: " + e.getMessage());
      return null;
    }
  }

  private boolean error(GitHubPush.Delivery d, String message) {
    errors.increment();
    firstError.compareAndSet(null, "delivery " + d.key() + ": " + message);
    return false;
  }

  private static long[] grow(long[] a, int n) {
    return n < a.length ? a : Arrays.copyOf(a, a.length * 2);
  }

  private static long[] concat(List<long[]> parts) {
    return parts.stream().flatMapToLong(Arrays::stream).toArray();
  }
}
