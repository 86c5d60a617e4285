package dev.errand.server.webhook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request's headers, names compared case-insensitively, in the order received. Immutable and
 * thread-safe.
 */
public final class Headers {
  private final Map<String, List<String>> byName;

  private Headers(Map<String, List<String>> byName) {
    this.byName = byName;
  }

  /** Headers from name to values; names of any case, later duplicates appended. */
  public static Headers of(Map<String, ? extends List<String>> headers) {
    Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) -> byName.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
    byName.replaceAll((name, values) -> List.copyOf(values));
    return new Headers(Collections.unmodifiableMap(byName));
  }

  /** The first value of a header, if present. */
  public Optional<String> first(String name) {
    List<String> values = byName.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  /** Every value of a header (empty when absent). */
  public List<String> all(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** Whether the header is present. */
  public boolean has(String name) {
    return byName.containsKey(name);
  }

  /** Names (as first received) to values; iteration in case-insensitive name order. */
  public Map<String, List<String>> asMap() {
    return byName;
  }
}
