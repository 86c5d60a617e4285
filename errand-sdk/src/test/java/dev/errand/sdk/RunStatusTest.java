package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RunStatusTest {
  @Test
  void finalStatusesGoNowhereButBackToTheQueueByAManualRetry() {
    for (RunStatus s : RunStatus.values()) {
      boolean isFinal =
          switch (s) {
            case COMPLETED, FAILED, CANCELED, CRASHED, EXPIRED, TIMED_OUT, SYSTEM_FAILURE -> true;
            default -> false;
          };
      assertThat(s.isFinal()).as(s.name()).isEqualTo(isFinal);
      for (RunStatus t : RunStatus.values()) {
        if (isFinal) {
          assertThat(s.canMoveTo(t))
              .as(s + "->" + t)
              .isEqualTo(t == RunStatus.QUEUED && s.isRetryable());
        }
      }
    }
  }

  @Test
  void lifecycleTransitions() {
    assertThat(RunStatus.QUEUED.canMoveTo(RunStatus.EXECUTING)).isTrue();
    assertThat(RunStatus.EXECUTING.canMoveTo(RunStatus.QUEUED)).isTrue(); // retry
    assertThat(RunStatus.EXECUTING.canMoveTo(RunStatus.COMPLETED)).isTrue();
    assertThat(RunStatus.QUEUED.canMoveTo(RunStatus.COMPLETED)).isFalse();
    assertThat(RunStatus.DELAYED.canMoveTo(RunStatus.FAILED)).isFalse();
    assertThat(RunStatus.sourcesOf(RunStatus.CANCELED))
        .containsExactlyInAnyOrder(
            RunStatus.DELAYED, RunStatus.QUEUED, RunStatus.EXECUTING, RunStatus.WAITING);
    assertThat(RunStatus.sourcesOf(RunStatus.EXECUTING))
        .containsExactlyInAnyOrder(RunStatus.DELAYED, RunStatus.QUEUED);
  }

  @Test
  void runsThatEndedWithoutSuccessAreRetryableByHand() {
    assertThat(EnumSet.allOf(RunStatus.class).stream().filter(RunStatus::isRetryable))
        .containsExactlyInAnyOrder(
            RunStatus.FAILED,
            RunStatus.CRASHED,
            RunStatus.TIMED_OUT,
            RunStatus.CANCELED,
            RunStatus.SYSTEM_FAILURE);
    assertThat(RunStatus.COMPLETED.canMoveTo(RunStatus.QUEUED)).isFalse();
    assertThat(RunStatus.EXPIRED.canMoveTo(RunStatus.QUEUED)).isFalse();
  }
}
