package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.errand.sdk.ErrandWorker;
import dev.errand.sdk.OutboundRefusedException;
import dev.errand.sdk.RetryPolicy;
import dev.errand.sdk.Run;
import dev.errand.sdk.RunStatus;
import dev.errand.sdk.Task;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task calling out through {@code ctx.http()} on a real worker and server: an allow-listed
 * address answers; a loopback one (the Errand server itself) fails the run at once, without
 * retries. On both stores.
 */
abstract class OutboundTaskTest extends ServerTestBase {
  record Fetch(String url) {}

  static final Task<Fetch, String> FETCH =
      Task.define("outbound-fetch", Fetch.class, String.class)
          .retry(RetryPolicy.exponential().maxAttempts(3).minDelay(Duration.ofMillis(10)).build())
          .run(
              (fetch, ctx) ->
                  ctx.step(
                      "fetch", String.class, () -> ctx.http().get(URI.create(fetch.url())).body()));

  private HttpServer partner;

  @BeforeEach
  void startPartner() throws Exception {
    partner = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
    partner.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("partner saw " + exchange.getRequestURI().getPath())
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    partner.start();
  }

  @AfterEach
  void stopPartner() {
    partner.stop(0);
  }

  private void startWorkerAllowing(String... allow) {
    ErrandWorker worker =
        ErrandWorker.builder()
            .client(client)
            .register(FETCH)
            .outboundAllow(allow)
            .pollWait(Duration.ofSeconds(5))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    worker.start();
    workers.add(worker);
  }

  @Test
  void aTaskReachesAnAllowListedAddress() {
    startWorkerAllowing("127.0.0.2");
    String url = "http://127.0.0.2:" + partner.getAddress().getPort() + "/orders/42";

    Run<String> run = client.runs().awaitCompletion(client.trigger(FETCH, new Fetch(url)), TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.output()).isEqualTo("partner saw /orders/42");
  }

  @Test
  void aRefusedRequestFailsTheRunWithoutRetries() {
    startWorkerAllowing("127.0.0.2");
    String errandItself = server.localUrl() + "/api/v1/runs"; // 127.0.0.1: loopback

    Run<String> run =
        client.runs().awaitCompletion(client.trigger(FETCH, new Fetch(errandItself)), TIMEOUT);

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.attemptCount()).as("not retried").isEqualTo(1);
    assertThat(run.error().type()).isEqualTo(OutboundRefusedException.class.getName());
    assertThat(run.error().nonRetryable()).isTrue();
    assertThat(run.error().message())
        .contains("refused request to " + errandItself)
        .contains("127.0.0.1 is loopback (127.0.0.0/8)")
        .contains("ERRAND_OUTBOUND_ALLOW");
  }
}
