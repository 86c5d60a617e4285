package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunStatusTest {
  @Test
  void finalStatusesGoNowhere() {
    for (RunStatus s : RunStatus.values()) {
      boolean isFinal =
          switch (s) {
            case COMPLETED, FAILED, CANCELED, CRASHED, EXPIRED, TIMED_OUT, SYSTEM_FAILURE -> true;
            default -> false;
          };
      assertThat(s.isFinal()).as(s.name()).isEqualTo(isFinal);
      for (RunStatus t : RunStatus.values()) {
        if (isFinal) {
          assertThat(s.canMoveTo(t)).as(s + "->" + t).isFalse();
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
}
