package dev.errand.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Triggers tasks and reads runs over the Errand HTTP API. Create one per application and share it:
 * it is thread-safe and holds a connection pool.
 *
 * <pre>{@code
 * ErrandClient client = ErrandClient.fromEnvironment();
 * RunHandle<Receipt> handle = client.trigger(PROCESS_ORDER, new Order("o1"));
 * Run<Receipt> run = client.runs().get(handle);
 * }</pre>
 */
public final class ErrandClient {
  /** Environment variable with the server's URL, such as {@code http://localhost:3030}. */
  public static final String API_URL_ENV = "ERRAND_API_URL";

  /** Environment variable with the environment's secret key. */
  public static final String SECRET_KEY_ENV = "ERRAND_SECRET_KEY";

  /** The API URL when {@value #API_URL_ENV} is not set: {@value}. */
  public static final String DEFAULT_API_URL = "http://localhost:3030";

  /** Most items one batch trigger accepts: {@value}. */
  public static final int MAX_BATCH_SIZE = 1_000;

  private final HttpTransport transport;
  private final Runs runs;
  private final Waitpoints waitpoints;
  private final Queues queues;
  private final Schedules schedules;
  private final AuditLog audit;
  private final ObjectMapper mapper = Json.mapper();

  private ErrandClient(URI apiUrl, String secretKey) {
    this.transport = new HttpTransport(apiUrl, secretKey);
    this.runs = new Runs(transport);
    this.waitpoints = new Waitpoints(transport);
    this.queues = new Queues(transport);
    this.schedules = new Schedules(transport);
    this.audit = new AuditLog(transport);
  }

  /**
   * A client configured by {@value #API_URL_ENV} (default {@value #DEFAULT_API_URL}) and {@value
   * #SECRET_KEY_ENV} (required).
   *
   * @throws ErrandException when the secret key is not set
   */
  public static ErrandClient fromEnvironment() {
    String url = System.getenv(API_URL_ENV);
    String key = System.getenv(SECRET_KEY_ENV);
    if (key == null || key.isBlank()) {
      throw new ErrandException(
          SECRET_KEY_ENV + " is not set: set it to the secret key `errand dev` prints");
    }
    return builder()
        .apiUrl(url == null || url.isBlank() ? DEFAULT_API_URL : url)
        .secretKey(key)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Triggers a run of {@code task}; the run is stored durably when this returns. */
  public <P, O> RunHandle<O> trigger(Task<P, O> task, P payload) {
    return trigger(task, payload, TriggerOptions.NONE);
  }

  /**
   * Triggers a run of {@code task} with options; stored durably when this returns. Called from
   * inside a task, an idempotency key is scoped to the triggering run unless the options say
   * otherwise ({@link TriggerOptions#withIdempotencyKey(String, IdempotencyKeyScope)}).
   */
  public <P, O> RunHandle<O> trigger(Task<P, O> task, P payload, TriggerOptions options) {
    ObjectNode body = mapper.createObjectNode();
    body.set("payload", mapper.valueToTree(payload));
    body.set("options", mapper.valueToTree(dev.errand.sdk.internal.CurrentAttempt.scope(options)));
    JsonNode response =
        transport.post("/api/v1/tasks/" + task.id() + "/trigger", body, JsonNode.class);
    return new RunHandle<>(response.path("id").asText(), task.outputType());
  }

  /**
   * Triggers one run per payload, all stored in one transaction (all or none), at most {@value
   * #MAX_BATCH_SIZE}. Handles come in the order of {@code payloads}.
   */
  public <P, O> List<RunHandle<O>> batchTrigger(Task<P, O> task, List<P> payloads) {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (P payload : payloads) {
      items.addObject().set("payload", mapper.valueToTree(payload));
    }
    JsonNode response =
        transport.post("/api/v1/tasks/" + task.id() + "/batch", body, JsonNode.class);
    List<RunHandle<O>> handles = new ArrayList<>(payloads.size());
    for (JsonNode run : response.path("runs")) {
      handles.add(new RunHandle<>(run.path("id").asText(), task.outputType()));
    }
    return handles;
  }

  /**
   * Releases an idempotency key of a task: the next trigger with it creates a new run (keys are
   * also released when their time to live runs out or their run fails). Returns whether a run held
   * it.
   */
  public boolean resetIdempotencyKey(Task<?, ?> task, String key) {
    ObjectNode body = mapper.createObjectNode().put("taskIdentifier", task.id());
    return transport
        .post(
            "/api/v1/idempotencyKeys/" + Runs.encode(key).replace("+", "%20") + "/reset",
            body,
            JsonNode.class)
        .path("released")
        .asBoolean();
  }

  /** Reading queues, pausing and resuming them, overriding their concurrency limit. */
  public Queues queues() {
    return queues;
  }

  /** Making, listing, changing, activating and deleting schedules at run time. */
  public Schedules schedules() {
    return schedules;
  }

  /** Reading the environment's audit log. */
  public AuditLog audit() {
    return audit;
  }

  /** Creating, completing and listing waitpoint tokens. */
  public Waitpoints waitpoints() {
    return waitpoints;
  }

  /** Reading, listing, canceling and replaying runs. */
  public Runs runs() {
    return runs;
  }

  /** The server's base URL. */
  public URI apiUrl() {
    return transport.baseUri();
  }

  HttpTransport transport() {
    return transport;
  }

  /** Builds an {@link ErrandClient}. Not thread-safe. */
  public static final class Builder {
    private URI apiUrl = URI.create(DEFAULT_API_URL);
    private String secretKey;

    private Builder() {}

    public Builder apiUrl(String apiUrl) {
      Objects.requireNonNull(apiUrl, "apiUrl");
      this.apiUrl = URI.create(apiUrl);
      return this;
    }

    /**
     * The environment's API key. Required. {@link #build()} refuses an {@code ek_} key whose
     * checksum does not match ({@link ApiKeys#check}), so a typo fails here, not on each request.
     */
    public Builder secretKey(String secretKey) {
      this.secretKey = secretKey;
      return this;
    }

    public ErrandClient build() {
      if (secretKey == null || secretKey.isBlank()) {
        throw new IllegalArgumentException("secretKey must be set");
      }
      ApiKeys.check(secretKey.trim());
      String scheme = apiUrl.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("apiUrl must be an http(s) URL, was " + apiUrl);
      }
      return new ErrandClient(apiUrl, secretKey);
    }
  }
}
