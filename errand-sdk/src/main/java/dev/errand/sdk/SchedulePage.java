package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of schedules ({@link Schedules#list}); {@code nextCursor} is null on the last page. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchedulePage(List<ScheduleInfo> data, String nextCursor) {
  public SchedulePage {
    data = data == null ? List.of() : List.copyOf(data);
  }
}
