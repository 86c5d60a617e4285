package dev.errand.server.store.jdbc;

import dev.errand.sdk.RunStatus;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Status predicates built from the one transition table ({@link RunStatus#sourcesOf}), so that no
 * statement hard-codes the lifecycle. The lists are SQL literals, not parameters, so that
 * PostgreSQL can match them against the partial indexes' predicates even in generic plans.
 */
final class StatusSql {
  private StatusSql() {}

  /** {@code status IN (...)}: the statuses that may move to every one of {@code targets}. */
  static String mayMoveTo(RunStatus... targets) {
    return in(sources(EnumSet.allOf(RunStatus.class), targets));
  }

  /**
   * {@code status IN (...)} for a worker's write: the run must be {@code EXECUTING} (the worker
   * holds its lease) and the lifecycle must allow every one of {@code targets} from there.
   */
  static String executingMayMoveTo(RunStatus... targets) {
    return in(sources(EnumSet.of(RunStatus.EXECUTING), targets));
  }

  /**
   * {@code status IN (...)} for a manual retry: the run has finished ({@link RunStatus#isFinal()})
   * and the lifecycle lets it move to every one of {@code targets} from there.
   */
  static String finishedMayMoveTo(RunStatus... targets) {
    EnumSet<RunStatus> finished = EnumSet.noneOf(RunStatus.class);
    for (RunStatus s : RunStatus.values()) {
      if (s.isFinal()) {
        finished.add(s);
      }
    }
    return in(sources(finished, targets));
  }

  /** {@code status = 'X'}, for statements that keep the status but require it. */
  static String is(RunStatus status) {
    return "status = " + literal(status);
  }

  static String literal(RunStatus status) {
    return "'" + status.name() + "'";
  }

  private static Set<RunStatus> sources(Set<RunStatus> candidates, RunStatus... targets) {
    EnumSet<RunStatus> result = EnumSet.noneOf(RunStatus.class);
    result.addAll(candidates);
    for (RunStatus target : targets) {
      result.retainAll(RunStatus.sourcesOf(target));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException(
          "no status among " + candidates + " may move to all of " + Set.of(targets));
    }
    return result;
  }

  private static String in(Set<RunStatus> statuses) {
    return statuses.stream()
        .map(StatusSql::literal)
        .collect(Collectors.joining(", ", "status IN (", ")"));
  }
}
