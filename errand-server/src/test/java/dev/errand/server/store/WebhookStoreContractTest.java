package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.WebhookDeliveryRecord.Status;
import dev.errand.server.store.WebhookStore.DeliveryFilter;
import dev.errand.server.store.WebhookStore.Ingested;
import dev.errand.server.store.WebhookStore.NewDelivery;
import dev.errand.server.store.WebhookStore.RoutedRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook part of the store contract, run against each store by a subclass. */
abstract class WebhookStoreContractTest {

  static final long DAY = Duration.ofDays(1).toMillis();

  Store store;
  WebhookStore webhooks;
  Environment env;

  abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    webhooks = store.webhooks();
    env = store.ensureEnvironment("w-" + UUID.randomUUID(), "prod");
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  WebhookEndpointRecord endpoint(String name) {
    return new WebhookEndpointRecord(
        "we_" + UUID.randomUUID().toString().replace("-", ""),
        env.id(),
        name,
        "{\"type\":\"github\"}",
        "[{\"task\":\"handle\"}]",
        "{\"header\":\"X-GitHub-Delivery\"}",
        DAY,
        1 << 20,
        null,
        null,
        true,
        null,
        null,
        List.of());
  }

  NewDelivery delivery(String endpointId, String key) {
    return new NewDelivery(
        TestIds.next(),
        env.id(),
        endpointId,
        Status.ACCEPTED,
        key,
        null,
        true,
        null,
        "{\"x-github-event\":[\"push\"]}",
        "application/json",
        "{\"ref\":\"refs/heads/main\",\"é\":1}".getBytes(StandardCharsets.UTF_8));
  }

  RoutedRun run(int route) {
    return new RoutedRun(
        route,
        new NewRun(
            TestIds.next(), env.id(), "handle", "handle", "{}", 3, List.of(), null, 0, null));
  }

  @Test
  void endpointsAreCreatedFoundListedUpdatedAndDeleted() {
    WebhookEndpointRecord created = webhooks.createEndpoint(endpoint("stripe-prod"), "s1").get();
    assertThat(created.name()).isEqualTo("stripe-prod");
    assertThat(created.createdAt()).isNotNull();
    assertThat(created.secrets())
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo("s1"));
    assertThat(created.secrets().getFirst().toString()).doesNotContain("s1");
    assertThat(webhooks.findEndpoint(created.id())).contains(created);
    assertThat(webhooks.createEndpoint(endpoint("stripe-prod"), "s2")).isEmpty(); // name taken
    webhooks.createEndpoint(endpoint("github"), "g").orElseThrow();
    assertThat(webhooks.listEndpoints(env.id()))
        .extracting(WebhookEndpointRecord::name)
        .containsExactly("github", "stripe-prod");

    WebhookEndpointRecord disabled =
        new WebhookEndpointRecord(
            created.id(),
            env.id(),
            "stripe-live",
            created.verifierJson(),
            "[]",
            null,
            1000,
            2048,
            10,
            1000L,
            false,
            null,
            null,
            List.of());
    WebhookEndpointRecord updated = webhooks.updateEndpoint(disabled).orElseThrow();
    assertThat(updated.enabled()).isFalse();
    assertThat(updated.name()).isEqualTo("stripe-live");
    assertThat(updated.rateLimit()).isEqualTo(10);
    assertThat(updated.deliveryIdSourceJson()).isNull();
    assertThat(updated.secrets()).hasSize(1); // secrets untouched
    WebhookEndpointRecord clash =
        new WebhookEndpointRecord(
            created.id(),
            env.id(),
            "github",
            "{}",
            "[]",
            null,
            1,
            1,
            null,
            null,
            true,
            null,
            null,
            List.of());
    assertThatThrownBy(() -> webhooks.updateEndpoint(clash))
        .isInstanceOf(IllegalStateException.class);

    assertThat(webhooks.deleteEndpoint(UUID.randomUUID(), created.id())).isFalse();
    assertThat(webhooks.deleteEndpoint(env.id(), created.id())).isTrue();
    assertThat(webhooks.findEndpoint(created.id())).isEmpty();
  }

  @Test
  void aRotationKeepsTheOldSecretForItsGracePeriodOnly() {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("rotating"), "old").orElseThrow();
    Instant before = store.now();
    WebhookEndpointRecord rotated =
        webhooks
            .rotateSecret(env.id(), e.id(), v -> "new", Duration.ofHours(1).toMillis())
            .orElseThrow();
    assertThat(rotated.secrets()).extracting(s -> s.value()).containsExactly("new", "old");
    assertThat(rotated.secrets().get(0).expiresAt()).isNull();
    assertThat(rotated.secrets().get(1).expiresAt())
        .isBetween(before.plus(Duration.ofMinutes(59)), before.plus(Duration.ofMinutes(61)));

    WebhookEndpointRecord cut =
        webhooks.rotateSecret(env.id(), e.id(), v -> "newer", 0).orElseThrow();
    Instant now = store.now();
    assertThat(cut.secrets().stream().filter(s -> s.activeAt(now.plusMillis(1))))
        .extracting(s -> s.value())
        .containsExactly("newer");
    // the next rotation drops what has expired
    WebhookEndpointRecord again =
        webhooks.rotateSecret(env.id(), e.id(), v -> "newest-v" + v, 0).orElseThrow();
    assertThat(again.secrets()).extracting(s -> s.value()).doesNotContain("old", "new");
    // the sealer is given the version the secret is stored as: one more than the highest
    assertThat(again.secrets().getFirst().version()).isEqualTo(4);
    assertThat(again.secrets().getFirst().value()).isEqualTo("newest-v4");
    assertThat(webhooks.rotateSecret(env.id(), "we_missing", v -> "x", 0)).isEmpty();
  }

  @Test
  void anAcceptedDeliveryIsLoggedWithItsRunsInOneGo() {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("gh"), "s").orElseThrow();
    NewDelivery d = delivery(e.id(), "delivery-1");
    Ingested ingested = webhooks.ingest(d, DAY, List.of(run(0), run(2)));
    assertThat(ingested.duplicate()).isFalse();
    assertThat(ingested.deliveryId()).isEqualTo(d.id());
    assertThat(ingested.runs()).extracting(r -> r.route()).containsExactly(0, 2);
    for (var r : ingested.runs()) {
      assertThat(store.findRun(env.id(), r.runId())).isPresent();
    }
    WebhookDeliveryRecord found = webhooks.findDelivery(env.id(), d.id()).orElseThrow();
    assertThat(found.status()).isEqualTo(Status.ACCEPTED);
    assertThat(found.body()).isEqualTo(d.body());
    assertThat(found.headersJson()).isEqualTo(d.headersJson());
    assertThat(found.deliveryKey()).isEqualTo("delivery-1");
    assertThat(found.verified()).isTrue();
    assertThat(found.receivedAt()).isNotNull();
    assertThat(found.runs()).isEqualTo(ingested.runs());
    assertThat(webhooks.findDelivery(UUID.randomUUID(), d.id())).isEmpty(); // other environment
  }

  @Test
  void aRedeliveryWithinTheWindowIsADuplicateAndCreatesNothing() {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("dup"), "s").orElseThrow();
    Ingested first = webhooks.ingest(delivery(e.id(), "k"), DAY, List.of(run(0)));
    NewDelivery again = delivery(e.id(), "k");
    Ingested second = webhooks.ingest(again, DAY, List.of(run(0)));
    assertThat(second.duplicate()).isTrue();
    assertThat(second.deliveryId()).isEqualTo(first.deliveryId());
    assertThat(second.runs()).isEqualTo(first.runs());
    assertThat(store.findRun(env.id(), second.runs().getFirst().runId())).isPresent();
    WebhookDeliveryRecord logged = webhooks.findDelivery(env.id(), again.id()).orElseThrow();
    assertThat(logged.status()).isEqualTo(Status.DUPLICATE);
    assertThat(logged.duplicateOf()).isEqualTo(first.deliveryId());
    // the same key on another endpoint is another delivery
    WebhookEndpointRecord other = webhooks.createEndpoint(endpoint("other"), "s").orElseThrow();
    assertThat(webhooks.ingest(delivery(other.id(), "k"), DAY, List.of()).duplicate()).isFalse();
  }

  @Test
  void aKeyIsFreeAgainOnceItsWindowHasPassed() {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("window"), "s").orElseThrow();
    Ingested first = webhooks.ingest(delivery(e.id(), "k"), 300, List.of(run(0)));
    assertThat(webhooks.ingest(delivery(e.id(), "k"), 300, List.of()).duplicate()).isTrue();
    List<Ingested> later = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Ingested i = webhooks.ingest(delivery(e.id(), "k"), 300, List.of(run(0)));
              later.add(i);
              return !i.duplicate();
            });
    Ingested fresh = later.getLast();
    assertThat(fresh.deliveryId()).isNotEqualTo(first.deliveryId());
    assertThat(fresh.runs()).hasSize(1);
  }

  @Test
  void concurrentRedeliveriesOfOneKeyCreateOneDelivery() throws Exception {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("race"), "s").orElseThrow();
    int n = 50;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Ingested>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return webhooks.ingest(delivery(e.id(), "same"), DAY, List.of(run(0)));
                }));
      }
      start.countDown();
      List<Ingested> results = new ArrayList<>();
      for (Future<Ingested> f : futures) {
        results.add(f.get());
      }
      assertThat(results.stream().filter(r -> !r.duplicate())).hasSize(1);
      assertThat(results.stream().map(Ingested::deliveryId).distinct()).hasSize(1);
      assertThat(results.stream().map(r -> r.runs().getFirst().runId()).distinct()).hasSize(1);
    }
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(e.id(), Status.ACCEPTED, null, null, null), 100))
        .hasSize(1);
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(e.id(), Status.DUPLICATE, null, null, null), 100))
        .hasSize(n - 1);
  }

  @Test
  void aBatchIsDedupedAgainstEarlierDeliveriesAndWithinItself() {
    WebhookEndpointRecord e = webhooks.createEndpoint(endpoint("batch"), "s").orElseThrow();
    Ingested earlier = webhooks.ingest(delivery(e.id(), "old"), DAY, List.of(run(0)));
    NewDelivery a = delivery(e.id(), "k1");
    NewDelivery b = delivery(e.id(), "k1");
    NewDelivery c = delivery(e.id(), null);
    NewDelivery d = delivery(e.id(), "old");
    List<Ingested> results =
        webhooks.ingestAll(
            List.of(
                new WebhookStore.Ingest(a, DAY, List.of(run(0), run(1))),
                new WebhookStore.Ingest(b, DAY, List.of(run(0))),
                new WebhookStore.Ingest(c, DAY, List.of(run(0))),
                new WebhookStore.Ingest(d, DAY, List.of(run(0)))));
    assertThat(results.get(0).duplicate()).isFalse();
    assertThat(results.get(0).runs()).hasSize(2);
    assertThat(results.get(1).duplicate()).isTrue();
    assertThat(results.get(1).deliveryId()).isEqualTo(a.id());
    assertThat(results.get(1).runs()).isEqualTo(results.get(0).runs());
    assertThat(results.get(2).duplicate()).isFalse();
    assertThat(results.get(3).duplicate()).isTrue();
    assertThat(results.get(3).deliveryId()).isEqualTo(earlier.deliveryId());
    assertThat(results.get(3).runs()).isEqualTo(earlier.runs());
    for (Ingested fresh : List.of(results.get(0), results.get(2))) {
      fresh.runs().forEach(r -> assertThat(store.findRun(env.id(), r.runId())).isPresent());
    }
    assertThat(webhooks.findDelivery(env.id(), b.id()).orElseThrow().duplicateOf())
        .isEqualTo(a.id());
    assertThat(webhooks.findDelivery(env.id(), d.id()).orElseThrow().status())
        .isEqualTo(Status.DUPLICATE);
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(e.id(), Status.ACCEPTED, null, null, null), 10))
        .hasSize(3);
  }

  @Test
  void deliveriesAreListedNewestFirstByEndpointStatusTimeAndPage() {
    WebhookEndpointRecord a = webhooks.createEndpoint(endpoint("a"), "s").orElseThrow();
    WebhookEndpointRecord b = webhooks.createEndpoint(endpoint("b"), "s").orElseThrow();
    NewDelivery a1 = delivery(a.id(), null);
    webhooks.ingest(a1, DAY, List.of());
    NewDelivery rejected =
        new NewDelivery(
            TestIds.next(),
            env.id(),
            a.id(),
            Status.REJECTED,
            null,
            null,
            true,
            "signature_mismatch",
            "{}",
            "application/json",
            new byte[0]);
    webhooks.reject(rejected);
    NewDelivery unrouted =
        new NewDelivery(
            TestIds.next(),
            env.id(),
            b.id(),
            Status.UNROUTED,
            null,
            null,
            false,
            null,
            "{}",
            null,
            "x=1".getBytes(StandardCharsets.UTF_8));
    webhooks.ingest(unrouted, DAY, List.of());

    List<WebhookDeliveryRecord> all =
        webhooks.listDeliveries(env.id(), new DeliveryFilter(null, null, null, null, null), 10);
    assertThat(all)
        .extracting(WebhookDeliveryRecord::id)
        .containsExactly(unrouted.id(), rejected.id(), a1.id());
    assertThat(all).allSatisfy(d -> assertThat(d.body()).isNull());
    assertThat(all.get(1).verified()).isFalse(); // a rejected delivery is never verified
    assertThat(all.get(1).reason()).isEqualTo("signature_mismatch");
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(a.id(), null, null, null, null), 10))
        .extracting(WebhookDeliveryRecord::id)
        .containsExactly(rejected.id(), a1.id());
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(null, Status.UNROUTED, null, null, null), 10))
        .extracting(WebhookDeliveryRecord::id)
        .containsExactly(unrouted.id());
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(null, null, null, null, rejected.id()), 10))
        .extracting(WebhookDeliveryRecord::id)
        .containsExactly(a1.id());
    Instant received = all.getLast().receivedAt();
    assertThat(
            webhooks.listDeliveries(
                env.id(), new DeliveryFilter(null, null, received.plusSeconds(60), null, null), 10))
        .isEmpty();
    assertThat(
            webhooks.listDeliveries(
                env.id(),
                new DeliveryFilter(
                    null, null, received.minusSeconds(60), received.plusSeconds(60), null),
                10))
        .hasSize(3);
    assertThat(
            webhooks.listDeliveries(
                UUID.randomUUID(), new DeliveryFilter(null, null, null, null, null), 10))
        .isEmpty();
    // deleting an endpoint deletes its log
    webhooks.deleteEndpoint(env.id(), a.id());
    assertThat(
            Set.copyOf(
                webhooks.listDeliveries(
                    env.id(), new DeliveryFilter(null, null, null, null, null), 10)))
        .extracting(WebhookDeliveryRecord::id)
        .containsExactly(unrouted.id());
  }
}
