package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.Store.QueueLimits;
import dev.errand.server.store.jdbc.PostgresUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rate limit's window is measured from when runs actually start, even when the claim that starts
 * them waited for the queue's lock.
 */
class PostgresRateWindowTest {
  static final QueueLimits THREE_PER_SECOND = new QueueLimits(null, null, 3, 1_000L, false);
  static final String QUEUE = "q-rated";

  String url;
  Store store;
  Environment env;

  @BeforeEach
  void open() {
    url = TestDatabases.freshPostgresUrl();
    store = Stores.postgres(url, 4);
    env = store.ensureEnvironment("p-" + UUID.randomUUID(), "prod");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void startsOfAClaimThatWaitedForTheQueueLockCountFromWhenTheyStarted() throws Exception {
    for (int i = 0; i < 6; i++) {
      store.insertRuns(
          List.of(
              new NewRun(
                  TestIds.next(), env.id(), "rated", QUEUE, "{}", 1, List.of(), null, 0, null)));
    }
    CompletableFuture<List<ClaimedRun>> first;
    long firstStarted;
    try (Connection holder = TestDatabases.connect(PostgresUrl.parse(url))) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        ps.setString(1, "errand-queue/" + env.id() + "/" + QUEUE);
        ps.executeQuery().close();
      }
      long asked = System.nanoTime();
      first = CompletableFuture.supplyAsync(() -> claim("worker-1"));
      await().atMost(Duration.ofSeconds(5)).until(() -> waitingForLock(holder) == 1);
      // another claim holds the queue's lock for 800 ms
      await()
          .during(Duration.ofMillis(800))
          .atMost(Duration.ofSeconds(2))
          .until(() -> !first.isDone());
      holder.commit();
      assertThat(first.get()).hasSize(3);
      firstStarted = System.nanoTime();
      assertThat(Duration.ofNanos(firstStarted - asked)).isGreaterThan(Duration.ofMillis(800));
      // a second claim just over a second after the first one asked, a quarter second after its
      // runs started
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> System.nanoTime() - asked > Duration.ofMillis(1_050).toNanos());
    }

    List<ClaimedRun> second = claim("worker-2");

    assertThat(Duration.ofNanos(System.nanoTime() - firstStarted))
        .isLessThan(Duration.ofMillis(900));
    assertThat(second).as("starts allowed within a second of 3 starts").isEmpty();
  }

  private List<ClaimedRun> claim(String worker) {
    return store.claimInQueue(
        env.id(),
        QUEUE,
        THREE_PER_SECOND,
        List.of("rated"),
        worker,
        10,
        Duration.ofMinutes(1),
        null);
  }

  /** Sessions other than {@code holder}'s waiting for an advisory lock. */
  private static int waitingForLock(Connection holder) throws Exception {
    try (PreparedStatement ps =
            holder.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
