package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.internal.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy NO_JITTER =
      RetryPolicy.exponential()
          .maxAttempts(10)
          .factor(2.0)
          .minDelay(Duration.ofSeconds(1))
          .maxDelay(Duration.ofSeconds(10))
          .randomize(false)
          .build();

  @Test
  void defaultsFollowTriggerDev() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.factor()).isEqualTo(2.0);
    assertThat(p.minDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.maxDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.randomize()).isTrue();
  }

  @Test
  void delayGrowsExponentiallyAndIsCapped() {
    assertThat(NO_JITTER.delayAfter(1, () -> 0.9)).isEqualTo(Duration.ofSeconds(1));
    assertThat(NO_JITTER.delayAfter(2, () -> 0.9)).isEqualTo(Duration.ofSeconds(2));
    assertThat(NO_JITTER.delayAfter(3, () -> 0.9)).isEqualTo(Duration.ofSeconds(4));
    assertThat(NO_JITTER.delayAfter(4, () -> 0.9)).isEqualTo(Duration.ofSeconds(8));
    assertThat(NO_JITTER.delayAfter(5, () -> 0.9)).isEqualTo(Duration.ofSeconds(10));
    assertThat(NO_JITTER.delayAfter(500, () -> 0.9)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void jitterMultipliesByOneToTwoWithinTheCap() {
    RetryPolicy p =
        RetryPolicy.exponential()
            .minDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(1))
            .build();
    assertThat(p.delayAfter(1, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayAfter(1, () -> 0.5)).isEqualTo(Duration.ofMillis(150));
    assertThat(p.delayAfter(2, () -> 0.999)).isEqualTo(Duration.ofMillis(399));
    assertThat(p.delayAfter(4, () -> 0.5)).isEqualTo(Duration.ofMillis(1000));
    for (int i = 0; i < 1000; i++) {
      long d = p.delayAfter(2, Math::random).toMillis();
      assertThat(d).isBetween(200L, 400L);
    }
  }

  @Test
  void sameInputsGiveTheSameDelay() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    assertThat(p.delayAfter(2, () -> 0.25)).isEqualTo(p.delayAfter(2, () -> 0.25));
  }

  @Test
  void invalidSettingsNameTheFieldAndValue() {
    assertThatThrownBy(() -> RetryPolicy.exponential().maxAttempts(0).build())
        .hasMessageContaining("maxAttempts")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> RetryPolicy.exponential().factor(0.5).build())
        .hasMessageContaining("factor")
        .hasMessageContaining("0.5");
    assertThatThrownBy(
            () ->
                RetryPolicy.exponential()
                    .minDelay(Duration.ofSeconds(5))
                    .maxDelay(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> NO_JITTER.delayAfter(0, () -> 0))
        .hasMessageContaining("failedAttempt");
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    ObjectMapper m = Json.mapper();
    String json = m.writeValueAsString(NO_JITTER);
    assertThat(m.readValue(json, RetryPolicy.class)).isEqualTo(NO_JITTER);
    assertThat(m.readTree(json).path("minDelayMillis").asLong()).isEqualTo(1000);
  }
}
