package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ErrandClient;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.Task;
import dev.errand.sdk.internal.Json;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.engine.EngineConfig;
import dev.errand.server.secret.MasterKey;
import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on a random port with a fresh store, a client and workers, for end-to-end tests;
 * subclasses pick the store.
 */
abstract class ServerTestBase {
  static final Duration LEASE = Duration.ofSeconds(2);
  static final EngineConfig FAST =
      new EngineConfig(
          LEASE, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(25));
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The master key of every test server in this JVM (restarts and second nodes share it). */
  static final MasterKey MASTER_KEY = MasterKey.generate();

  /** The master key this test's servers start with (a test of a rotation changes it). */
  MasterKey masterKey = MASTER_KEY;

  @TempDir Path tempDir;

  final String secretKey = SecretKeys.generate("test");

  /** The admin token every test server is started with. */
  static final String ADMIN_TOKEN = "test-admin-token-0123456789";

  ErrandServer server;
  ErrandClient client;
  final List<ErrandWorker> workers = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  /** Where a test class keeps its state; each test gets fresh, empty storage of that kind. */
  enum Storage {
    /** A fresh PostgreSQL database; a second server node may share it ({@link #otherNode}). */
    POSTGRES,
    /** A fresh embedded store in a temporary directory; one node. */
    EMBEDDED
  }

  /** The storage this test class runs on. */
  abstract Storage storage();

  private String postgresUrl;
  private Path embeddedDir;

  /** Points the test at fresh, empty storage. */
  void newStorage() {
    switch (storage()) {
      case POSTGRES -> postgresUrl = TestDatabases.freshPostgresUrl();
      case EMBEDDED -> embeddedDir = tempDir.resolve("store-" + UUID.randomUUID());
    }
  }

  /** The current embedded store's directory (null on PostgreSQL). */
  Path embeddedDir() {
    return embeddedDir;
  }

  /** The current PostgreSQL database's URL (null on the embedded store). */
  String postgresUrl() {
    return postgresUrl;
  }

  /** Opens the current storage (again, after a restart). */
  Store openStore() {
    return switch (storage()) {
      case POSTGRES -> Stores.postgres(postgresUrl);
      case EMBEDDED -> Stores.embedded(embeddedDir);
    };
  }

  @BeforeEach
  void startServer() {
    newStorage();
    server = startServerOn(0);
    client = ErrandClient.builder().apiUrl(server.localUrl()).secretKey(secretKey).build();
  }

  ErrandServer startServerOn(int port) {
    return startServerOn(port, FAST);
  }

  /**
   * A server on {@code port} (0: any free one) on the current storage, with engine {@code config}.
   */
  ErrandServer startServerOn(int port, EngineConfig config) {
    ErrandServer s =
        ErrandServer.builder()
            .store(openStore())
            .masterKey(masterKey)
            .host("127.0.0.1")
            .port(port)
            .engineConfig(config)
            .clock(serverClock())
            .adminToken(ADMIN_TOKEN)
            .apiLimits(apiLimits())
            .runLimits(runLimits())
            .build();
    s.start();
    s.bootstrap("default", "test", secretKey);
    return s;
  }

  /** The API limits servers get; tests of the limits override it. */
  dev.errand.server.api.ApiLimits apiLimits() {
    return dev.errand.server.api.ApiLimits.DEFAULTS;
  }

  /** The run size limits servers get; tests of the limits override it. */
  dev.errand.server.engine.RunLimits runLimits() {
    return dev.errand.server.engine.RunLimits.DEFAULTS;
  }

  /** The clock servers get for webhook verification; tests that pin time override it. */
  java.time.Clock serverClock() {
    return java.time.Clock.systemUTC();
  }

  @AfterEach
  void stopAll() {
    workers.forEach(ErrandWorker::close);
    if (secondNode != null) {
      secondNode.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ErrandServer secondNode;

  /** Whether a second server node can share the storage (PostgreSQL: yes; embedded: no). */
  boolean sharesStorage() {
    return storage() == Storage.POSTGRES;
  }

  /**
   * A second server node on the same database when the storage can be shared, started on first use;
   * otherwise the one node. Tests that spread clients and workers over both run against two nodes
   * on PostgreSQL and against one on the embedded store.
   */
  ErrandServer otherNode() {
    if (!sharesStorage()) {
      return server;
    }
    if (secondNode == null) {
      secondNode = startServerOn(0);
    }
    return secondNode;
  }

  /** A client of {@link #otherNode()}. */
  ErrandClient otherClient() {
    return ErrandClient.builder().apiUrl(otherNode().localUrl()).secretKey(secretKey).build();
  }

  /** A worker connected to {@link #otherNode()}. */
  ErrandWorker startWorkerOnOtherNode(int maxConcurrency, Task<?, ?>... tasks) {
    return startWorker(otherClient(), maxConcurrency, tasks);
  }

  ErrandWorker startWorker(Task<?, ?>... tasks) {
    return startWorker(0, tasks);
  }

  /** A worker running at most {@code maxConcurrency} attempts at once (0: the default). */
  ErrandWorker startWorker(int maxConcurrency, Task<?, ?>... tasks) {
    return startWorker(client, maxConcurrency, tasks);
  }

  private ErrandWorker startWorker(ErrandClient through, int maxConcurrency, Task<?, ?>... tasks) {
    ErrandWorker.Builder builder = ErrandWorker.builder();
    if (maxConcurrency > 0) {
      builder.maxConcurrency(maxConcurrency);
    }
    ErrandWorker worker =
        builder
            .client(through)
            .register(tasks)
            .pollWait(Duration.ofSeconds(5))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    worker.start();
    workers.add(worker);
    return worker;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** A POST with the test's secret key. */
  HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, body, secretKey);
  }

  /** A POST to a path of the server, with {@code key} (none when null). */
  HttpResponse<String> post(String path, String body, String key) throws Exception {
    return postTo(URI.create(server.localUrl() + path), body, key);
  }

  /** A POST to a full URL, with {@code key} (none when null). */
  HttpResponse<String> postTo(URI url, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with {@code key} (none when null). */
  HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.localUrl() + path)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with the test's secret key that must answer 200; its body. */
  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path, secretKey);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

  /** Asserts an error answer: the status, and a JSON {@code error} with the code and a message. */
  static void expectError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode error = Json.mapper().readTree(response.body()).path("error");
    assertThat(error.path("code").asText()).as(response.body()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
  }
}
