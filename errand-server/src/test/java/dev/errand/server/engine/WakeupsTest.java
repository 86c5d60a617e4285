package dev.errand.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WakeupsTest {
  final Wakeups wakeups = new Wakeups();
  final UUID env = UUID.randomUUID();

  @AfterEach
  void close() {
    wakeups.close();
  }

  @Test
  void aWaiterWakesForItsTasksAndForAnyTaskButNotForOthers() throws Exception {
    List<String> mine = List.of("a", "c");
    long seen = wakeups.stamp(env, mine);

    wakeups.signal(env, "b");
    wakeups.signal(UUID.randomUUID(), "a");
    assertThat(wakeups.await(env, mine, seen, Duration.ofMillis(50))).isFalse();

    wakeups.signal(env, "c");
    assertThat(wakeups.await(env, mine, seen, Duration.ofSeconds(5))).isTrue();

    long again = wakeups.stamp(env, mine);
    wakeups.signal(env);
    assertThat(wakeups.await(env, mine, again, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aSignalFromAnotherThreadWakesAWaitingClaim() throws Exception {
    long seen = wakeups.stamp(env, List.of("a"));
    CompletableFuture<Boolean> woke = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                woke.complete(wakeups.await(env, List.of("a"), seen, Duration.ofSeconds(30)));
              } catch (InterruptedException e) {
                woke.completeExceptionally(e);
              }
            });
    wakeups.signal(env, "a");
    assertThat(woke.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aTimedSignalFiresAtItsDueTime() throws Exception {
    long seen = wakeups.stamp(env, List.of("a"));
    Instant now = Instant.now();
    wakeups.signalAt(env, "a", now.plusMillis(100), now);
    long start = System.nanoTime();
    assertThat(wakeups.await(env, List.of("a"), seen, Duration.ofSeconds(5))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(80));
  }

  @Test
  void farDuesGetNoTimer() throws Exception {
    long seen = wakeups.stamp(env, List.of("a"));
    Instant now = Instant.now();
    wakeups.signalAt(env, "a", now.plus(Wakeups.MAX_TIMER_DELAY).plusSeconds(1), now);
    assertThat(wakeups.await(env, List.of("a"), seen, Duration.ofMillis(50))).isFalse();
  }
}
