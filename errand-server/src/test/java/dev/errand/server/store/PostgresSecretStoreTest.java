package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.server.store.Store.Environment;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The secret store contract on PostgreSQL. */
class PostgresSecretStoreTest extends SecretStoreContractTest {
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, PostgresStoreTest.POOL_SIZE);
  }

  @Test
  void aRotationKeepsOtherNodesFromAddingADataKeyUntilItCommits() throws Exception {
    secrets.ensureDataKey(key(env, "old"));
    Environment late = store.ensureEnvironment(env.projectSlug(), "late-" + UUID.randomUUID());
    String target = "locked-" + UUID.randomUUID();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Store otherNode = open();
        ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<Integer> rotation =
          pool.submit(
              () ->
                  secrets.rewrapDataKeys(
                      k -> {
                        inside.countDown();
                        try {
                          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                          throw new IllegalStateException(e);
                        }
                        return new DataKeyRecord(
                            k.environmentId(), k.keyId(), k.wrappedKey(), target, 0);
                      },
                      target));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      Future<DataKeyRecord> added =
          pool.submit(() -> otherNode.secrets().ensureDataKey(key(late, "old")));
      // the other node waits for the rotation's lock, but can still read
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !added.isDone());
      assertThat(otherNode.secrets().findDataKey(env.id())).isPresent();

      release.countDown();
      assertThat(rotation.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(1);
      assertThat(added.get(30, TimeUnit.SECONDS).masterKeyFingerprint()).isEqualTo("old");
      assertThat(secrets.findDataKey(env.id()).orElseThrow().masterKeyFingerprint())
          .isEqualTo(target);
    }
  }
}
