package dev.errand.server.store.jdbc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Shares a queue's free slots among its concurrency keys round robin: the next slot always goes to
 * the key with the lowest turn (the claim numbers the keys in their cyclic order from the queue's
 * cursor), as long as the key's own limit and rate allow another start; a key that gets a slot
 * takes the next turn and goes to the back. So no key starts a second run while another key with
 * due runs and room waits for its first: the head run of a key waits for at most one start of each
 * other key.
 *
 * <p>Pure computation; not thread-safe (use one per claim).
 */
final class KeyRoundRobin {

  /**
   * A key with due runs.
   *
   * @param lastTurn its place in the claim's order (lower goes first)
   * @param executing its runs executing now
   * @param startsLeft how many more starts its own rate limit allows ({@link Integer#MAX_VALUE} for
   *     no per-key rate limit)
   */
  record Candidate(String key, long lastTurn, int executing, int startsLeft) {}

  /** One slot given to a key, with the queue turn it takes. */
  record Slot(String key, long turn) {}

  private KeyRoundRobin() {}

  /**
   * Gives out up to {@code free} slots, in turn order, numbering turns from {@code turn + 1}.
   *
   * @param keyLimit the most executing runs a key may have, or null for no per-key limit
   */
  static List<Slot> assign(List<Candidate> candidates, int free, Integer keyLimit, long turn) {
    PriorityQueue<State> byTurn =
        new PriorityQueue<>(
            Comparator.comparingLong((State s) -> s.lastTurn).thenComparing(s -> s.key));
    for (Candidate c : candidates) {
      byTurn.add(new State(c.key(), c.lastTurn(), c.executing(), c.startsLeft()));
    }
    List<Slot> slots = new ArrayList<>();
    long next = turn;
    while (slots.size() < free && !byTurn.isEmpty()) {
      State s = byTurn.poll();
      if ((keyLimit != null && s.executing >= keyLimit) || s.startsLeft <= 0) {
        continue; // full or out of rate: it waits for a later claim
      }
      next++;
      slots.add(new Slot(s.key, next));
      s.executing++;
      s.startsLeft--;
      s.lastTurn = next;
      byTurn.add(s);
    }
    return slots;
  }

  /** How many slots each key got, in the order keys were first served. */
  static Map<String, Integer> countByKey(List<Slot> slots) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Slot slot : slots) {
      counts.merge(slot.key(), 1, Integer::sum);
    }
    return counts;
  }

  private static final class State {
    final String key;
    long lastTurn;
    int executing;
    int startsLeft;

    State(String key, long lastTurn, int executing, int startsLeft) {
      this.key = key;
      this.lastTurn = lastTurn;
      this.executing = executing;
      this.startsLeft = startsLeft;
    }
  }
}
