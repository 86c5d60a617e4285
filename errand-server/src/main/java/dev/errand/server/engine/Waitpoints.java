package dev.errand.server.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.errand.sdk.internal.Json;
import dev.errand.server.store.RunRecord;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.WaitingStep;
import dev.errand.server.store.TokenNotFoundException;
import dev.errand.server.store.TokenRecord;
import dev.errand.server.store.TokenStateConflictException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waitpoints: tokens (created, listed, completed once or timed out) and the resumer, the duty that
 * ends waits. Runs suspended on a timed wait, a token or child runs are moved back to the queue,
 * with the wait's result recorded as their step's output, when the time comes, when the token is
 * completed or times out, or when the last child finishes. Every node runs the resumer; each
 * resolution is a guarded update, so only one node resolves a wait. Thread-safe.
 */
public final class Waitpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Waitpoints.class);

  /** How often the resumer looks for waits that are over, without being nudged: {@value} ms. */
  static final long SWEEP_MILLIS = 200;

  /** Shortest pause between two sweeps, however often nudged: {@value} ms. */
  static final long MIN_PAUSE_MILLIS = 10;

  static final int BATCH = 500;
  static final String CALLBACK_KEY_SETTING = CallbackKeySeal.SETTING;

  /** Longest token timeout: 1 year. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(366);

  private final Store store;
  private final Wakeups wakeups;
  private final ObjectMapper mapper = Json.mapper();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nudged = lock.newCondition();
  private boolean pending;
  private volatile boolean closed;
  private volatile byte[] callbackKey;
  private Thread thread;
  private final CallbackKeySeal callbackKeySeal;

  Waitpoints(Store store, Wakeups wakeups, CallbackKeySeal callbackKeySeal) {
    this.store = store;
    this.wakeups = wakeups;
    this.callbackKeySeal = callbackKeySeal;
  }

  void start() {
    thread = Thread.ofVirtual().name("errand-resumer").start(this::loop);
  }

  // --- tokens --------------------------------------------------------------------------------

  /** A token and its callback URL's signature. */
  public record TokenView(TokenRecord token, String id, String callbackSignature) {}

  /**
   * Creates a token, or returns the one created with the same idempotency key.
   *
   * @param timeout null for a token that never times out
   */
  public TokenView create(
      Environment env, Duration timeout, String idempotencyKey, List<String> tags) {
    if (timeout != null && (!timeout.isPositive() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      throw EngineException.badRequest(
          "invalid_timeout", "timeout must be positive and at most 366 days, was " + timeout);
    }
    Store.TokenInsert insert =
        store.createToken(
            env.id(),
            RunIds.next(),
            idempotencyKey,
            tags == null ? List.of() : tags,
            timeout == null ? null : timeout.toMillis());
    if (insert.created() && timeout != null) {
      wakeAt(insert.token().timeoutAt());
    }
    return view(insert.token());
  }

  public TokenView get(Environment env, UUID tokenId) {
    return view(store.findToken(env.id(), tokenId).orElseThrow(() -> tokenNotFound(tokenId)));
  }

  public List<TokenView> list(
      Environment env, TokenRecord.Status status, String tag, UUID beforeId, int limit) {
    return store.listTokens(env.id(), status, tag, beforeId, limit).stream()
        .map(this::view)
        .toList();
  }

  /**
   * Completes a waiting token with {@code data} and resumes every run waiting on it.
   *
   * @throws EngineException 404 for an unknown token, 409 for one already completed or timed out
   */
  public TokenView complete(Environment env, UUID tokenId, JsonNode data) {
    return complete(env.id(), tokenId, data);
  }

  private TokenView complete(UUID environmentId, UUID tokenId, JsonNode data) {
    String json = toJson(data == null ? mapper.nullNode() : data);
    List<WaitingStep> resumed;
    try {
      resumed = store.completeToken(environmentId, tokenId, json, this::tokenOutcomeJson);
    } catch (TokenNotFoundException e) {
      throw tokenNotFound(tokenId);
    } catch (TokenStateConflictException e) {
      throw EngineException.conflict(
          "token_already_completed",
          "token "
              + RunIds.formatToken(tokenId)
              + " is already "
              + e.token().status()
              + "; a token resumes its runs once");
    }
    for (WaitingStep w : resumed) {
      wakeups.signal(w.environmentId(), w.taskId());
    }
    return view(store.findToken(environmentId, tokenId).orElseThrow(() -> tokenNotFound(tokenId)));
  }

  /**
   * Completes a token through its callback URL: no API key, but the signature must be the one the
   * URL was issued with.
   *
   * @throws EngineException 404 for an unknown token or a wrong signature (they look the same)
   */
  public TokenView completeByCallback(UUID tokenId, String signature, JsonNode data) {
    if (signature == null
        || !MessageDigest.isEqual(
            signature.getBytes(StandardCharsets.US_ASCII),
            sign(tokenId).getBytes(StandardCharsets.US_ASCII))) {
      throw tokenNotFound(tokenId);
    }
    Optional<TokenRecord> token = store.timeOutToken(tokenId);
    if (token.isEmpty()) {
      throw tokenNotFound(tokenId);
    }
    return complete(token.get().environmentId(), tokenId, data);
  }

  private TokenView view(TokenRecord token) {
    return new TokenView(token, RunIds.formatToken(token.id()), sign(token.id()));
  }

  /** The HMAC-SHA256 of a token id under the server's callback key, URL-safe base64. */
  String sign(UUID tokenId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(callbackKey(), "HmacSHA256"));
      byte[] digest = mac.doFinal(RunIds.formatToken(tokenId).getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The key shared by every node (stored in the database, sealed, on first use). */
  private byte[] callbackKey() {
    byte[] key = callbackKey;
    if (key == null) {
      String stored =
          store.setting(
              CALLBACK_KEY_SETTING,
              () -> {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                return callbackKeySeal.seal(random);
              });
      key = callbackKeySeal.open(stored);
      callbackKey = key;
    }
    return key;
  }

  private static EngineException tokenNotFound(UUID tokenId) {
    return EngineException.notFound("token_not_found", "no token " + RunIds.formatToken(tokenId));
  }

  /** A TOKEN step's recorded output: {@code {"tokenId":..,"ok":..,"output":..}}. */
  String tokenOutcomeJson(TokenRecord token) {
    ObjectNode node = mapper.createObjectNode();
    node.put("tokenId", RunIds.formatToken(token.id()));
    boolean ok = token.status() == TokenRecord.Status.COMPLETED;
    node.put("ok", ok);
    if (ok && token.outputJson() != null) {
      node.putRawValue("output", new RawValue(token.outputJson()));
    } else {
      node.putNull("output");
    }
    return toJson(node);
  }

  // --- the resumer ---------------------------------------------------------------------------

  /** Makes the resumer look soon (a run finished: it may be the last child of a waiting parent). */
  public void nudge() {
    lock.lock();
    try {
      pending = true;
      nudged.signal();
    } finally {
      lock.unlock();
    }
  }

  /** A wait ends at {@code time}; the resumer looks every {@value #SWEEP_MILLIS} ms anyway. */
  void wakeAt(Instant time) {
    if (time != null && !time.isAfter(Instant.now())) {
      nudge();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        sweep();
      } catch (Throwable t) {
        if (closed) {
          return;
        }
        log.error("resuming waits failed; trying again shortly", t);
      }
      try {
        Thread.sleep(MIN_PAUSE_MILLIS);
        lock.lock();
        try {
          if (!pending) {
            nudged.await(SWEEP_MILLIS, TimeUnit.MILLISECONDS);
          }
          pending = false;
        } finally {
          lock.unlock();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Resolves every wait that is over. Public for tests. */
  public void sweep() {
    while (store.timeOutDueTokens(BATCH) == BATCH && !closed) {
      // more tokens to time out
    }
    List<WaitingStep> found;
    Set<String> seen = new HashSet<>();
    do {
      found = store.findResumable(BATCH);
      int fresh = 0;
      for (WaitingStep w : found) {
        if (seen.add(w.runId() + "/" + w.position())) {
          fresh++;
          resolve(w);
        }
      }
      if (fresh == 0) {
        return;
      }
    } while (found.size() == BATCH && !closed);
  }

  private void resolve(WaitingStep w) {
    String output =
        switch (w.kind()) {
          case WAIT -> "null";
          case TOKEN -> {
            TokenRecord token = store.timeOutToken(w.tokenId()).orElse(null);
            yield token == null || token.status() == TokenRecord.Status.WAITING
                ? null
                : tokenOutcomeJson(token);
          }
          case CHILDREN -> childrenOutcomeJson(store.findChildren(w.runId(), w.position()));
          case STEP -> null;
        };
    if (output != null && store.resolveWait(w.runId(), w.position(), output)) {
      wakeups.signal(w.environmentId(), w.taskId());
      store.announceDue(w.environmentId());
    }
  }

  /** A CHILDREN step's recorded output: each child's id, status, output and error, in order. */
  private String childrenOutcomeJson(List<RunRecord> children) {
    ArrayNode array = mapper.createArrayNode();
    for (RunRecord child : children) {
      if (!child.status().isFinal()) {
        return null;
      }
      ObjectNode node = array.addObject();
      node.put("runId", RunIds.format(child.id()));
      node.put("status", child.status().name());
      if (child.outputJson() != null) {
        node.putRawValue("output", new RawValue(child.outputJson()));
      } else {
        node.putNull("output");
      }
      if (child.errorJson() != null) {
        node.putRawValue("error", new RawValue(child.errorJson()));
      } else if (child.status() != dev.errand.sdk.RunStatus.COMPLETED) {
        ObjectNode error = node.putObject("error");
        error.put("type", "dev.errand.Run" + child.status());
        error.put("message", "child run ended " + child.status());
        error.put("stackTrace", "");
        error.put("nonRetryable", true);
      } else {
        node.putNull("error");
      }
    }
    return toJson(array);
  }

  private String toJson(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
