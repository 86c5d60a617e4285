package dev.errand.cli.schedules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The settings {@code create} and {@code update} share, besides the task and the cron expression. A
 * picocli mixin; the server validates the values (a usage error only for the fixed choices).
 */
final class ScheduleFlags {
  static final List<String> MISSED_TICKS = List.of("skip", "none", "all");
  static final List<String> OVERLAP = List.of("allow", "skip");

  @Option(
      names = "--timezone",
      paramLabel = "ZONE",
      description = "IANA time zone the cron is read in, e.g. Europe/Paris (default UTC).")
  String timezone;

  @Option(
      names = "--external-id",
      paramLabel = "ID",
      description = "Passed to every run (ScheduledEvent.externalId), e.g. the user it is for.")
  String externalId;

  @Option(
      names = "--dedup-key",
      paramLabel = "KEY",
      description = "Create updates the schedule that already has this deduplication key.")
  String deduplicationKey;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      description = "Spread the runs: each fires a fixed offset within it, e.g. 15m (at most 1d).")
  String window;

  @Option(
      names = "--missed-ticks",
      paramLabel = "skip|none|all",
      description = "What fires after downtime over ticks (default skip: the latest only).")
  String missedTicks;

  @Option(
      names = "--missed-tick-limit",
      paramLabel = "N",
      description = "Most missed ticks 'all' fires (default 100).")
  Integer missedTickLimit;

  @Option(
      names = "--overlap",
      paramLabel = "allow|skip",
      description =
          "skip: a tick is skipped while the previous tick's run is going (default allow).")
  String overlap;

  @Option(names = "--inactive", description = "Save it inactive: it fires nothing until activated.")
  boolean inactive;

  /** Puts the flags given into {@code body}; a usage error for a value outside a fixed choice. */
  void applyTo(ObjectNode body, CommandLine commandLine) {
    putIfSet(body, "timezone", timezone);
    putIfSet(body, "externalId", externalId);
    putIfSet(body, "deduplicationKey", deduplicationKey);
    putIfSet(body, "window", window);
    putIfSet(body, "missedTicks", choice(commandLine, "--missed-ticks", missedTicks, MISSED_TICKS));
    if (missedTickLimit != null) {
      body.put("missedTickLimit", missedTickLimit);
    }
    putIfSet(body, "overlap", choice(commandLine, "--overlap", overlap, OVERLAP));
    if (inactive) {
      body.put("active", false);
    }
  }

  private static String choice(
      CommandLine commandLine, String flag, String value, List<String> choices) {
    if (value == null || choices.contains(value)) {
      return value;
    }
    throw new CommandLine.ParameterException(
        commandLine,
        flag + " must be one of " + String.join(", ", choices) + ", was '" + value + "'");
  }

  private static void putIfSet(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}
