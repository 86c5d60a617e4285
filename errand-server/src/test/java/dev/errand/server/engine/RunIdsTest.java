package dev.errand.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  @Test
  void idsAreVersion7AndRoundTrip() {
    UUID id = RunIds.next();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    String text = RunIds.format(id);
    assertThat(text).matches("run_[0-7][0-9A-HJKMNP-TV-Z]{25}");
    assertThat(RunIds.parse(text)).isEqualTo(id);
    assertThat(RunIds.parse(text.toLowerCase().replace("RUN_", "run_"))).isEqualTo(id);
  }

  @Test
  void extremesRoundTrip() {
    for (UUID id : List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1))) {
      assertThat(RunIds.parse(RunIds.format(id))).isEqualTo(id);
    }
  }

  @Test
  void idsIncreaseInTextAndTimeOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ids.add(RunIds.format(RunIds.next()));
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    long millis = RunIds.next().getMostSignificantBits() >>> 16;
    assertThat(millis)
        .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5_000L));
  }

  @Test
  void rejectsWhatIsNotARunId() {
    for (String bad :
        new String[] {
          null,
          "",
          "run_",
          "job_01ARZ3NDEKTSV4RRFFQ69G5FAV",
          "run_01ARZ3NDEKTSV4RRFFQ69G5FA",
          "run_81ARZ3NDEKTSV4RRFFQ69G5FAV",
          "run_01ARZ3NDEKTSV4RRFFQ69G5FAU"
        }) {
      assertThatThrownBy(() -> RunIds.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
