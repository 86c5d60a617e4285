package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Which runs a bulk action covers ({@link Runs#bulkCancel}, {@link Runs#bulkReplay}): those that
 * match every field that is set, at the moment the action starts. Set at least one field; the
 * server refuses a filter that would cover every run.
 *
 * <pre>{@code
 * RunFilter filter = RunFilter.NONE.withStatuses(RunStatus.FAILED).withTag("import-42");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param statuses runs in any of these statuses; empty for any status
 * @param taskIdentifier runs of this task, or null
 * @param tag runs with this tag, or null
 * @param from runs created at or after this instant, or null
 * @param to runs created before this instant, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunFilter(
    @JsonProperty("status") List<RunStatus> statuses,
    String taskIdentifier,
    String tag,
    Instant from,
    Instant to) {

  /** No field set yet: start from here. */
  public static final RunFilter NONE = new RunFilter(List.of(), null, null, null, null);

  public RunFilter {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
  }

  public RunFilter withStatuses(RunStatus... s) {
    return new RunFilter(List.of(s), taskIdentifier, tag, from, to);
  }

  public RunFilter withTaskIdentifier(String t) {
    return new RunFilter(statuses, t, tag, from, to);
  }

  public RunFilter withTag(String t) {
    return new RunFilter(statuses, taskIdentifier, t, from, to);
  }

  /** Runs created from {@code f} (inclusive) to {@code t} (exclusive); either may be null. */
  public RunFilter withCreatedBetween(Instant f, Instant t) {
    return new RunFilter(statuses, taskIdentifier, tag, f, t);
  }
}
