package dev.errand.server.engine;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Run ids: UUID version 7 (48-bit millisecond time, then a counter and randomness), so they sort by
 * creation time in the database, rendered as {@code run_} plus 26 characters of Crockford base32,
 * like a ULID. Ids made by one process are strictly increasing. Thread-safe.
 */
public final class RunIds {
  public static final String PREFIX = "run_";
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int[] DECODE = new int[128];
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static long lastMillis;
  private static long sequence;

  static {
    java.util.Arrays.fill(DECODE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = i;
      DECODE[Character.toLowerCase(ALPHABET[i])] = i;
    }
  }

  private RunIds() {}

  /** A new UUIDv7, greater than every other this process made. */
  public static UUID next() {
    long millis;
    long seq;
    LOCK.lock();
    try {
      millis = Math.max(System.currentTimeMillis(), lastMillis);
      if (millis == lastMillis) {
        sequence++;
        if (sequence > 0xFFF) { // 12-bit counter overflow: borrow the next millisecond
          millis++;
          sequence = RANDOM.nextInt(0x100);
        }
      } else {
        sequence = RANDOM.nextInt(0x100);
      }
      lastMillis = millis;
      seq = sequence;
    } finally {
      LOCK.unlock();
    }
    long msb = (millis << 16) | 0x7000L | seq;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** The prefix of waitpoint token ids: {@value}. */
  public static final String TOKEN_PREFIX = "waitpoint_";

  /** The prefix of bulk action ids: {@value}. */
  public static final String BULK_ACTION_PREFIX = "bulk_";

  /** {@code bulk_} and the 26-character base32 form of {@code id}. */
  public static String formatBulkAction(UUID id) {
    return format(BULK_ACTION_PREFIX, id);
  }

  /**
   * Parses a bulk action id.
   *
   * @throws IllegalArgumentException when {@code text} is not a bulk action id
   */
  public static UUID parseBulkAction(String text) {
    return parse(BULK_ACTION_PREFIX, "bulk action", text);
  }

  /** The prefix of schedule ids: {@value}. */
  public static final String SCHEDULE_PREFIX = "sched_";

  /** {@code sched_} and the 26-character base32 form of {@code id}. */
  public static String formatSchedule(UUID id) {
    return format(SCHEDULE_PREFIX, id);
  }

  /**
   * Parses a schedule id.
   *
   * @throws IllegalArgumentException when {@code text} is not a schedule id
   */
  public static UUID parseSchedule(String text) {
    return parse(SCHEDULE_PREFIX, "schedule", text);
  }

  /** The prefix of webhook delivery ids: {@value}. */
  public static final String DELIVERY_PREFIX = "dlv_";

  /** {@code dlv_} and the 26-character base32 form of {@code id}. */
  public static String formatDelivery(UUID id) {
    return format(DELIVERY_PREFIX, id);
  }

  /**
   * Parses a webhook delivery id.
   *
   * @throws IllegalArgumentException when {@code text} is not a delivery id
   */
  public static UUID parseDelivery(String text) {
    return parse(DELIVERY_PREFIX, "delivery", text);
  }

  /** {@code run_} and the 26-character base32 form of {@code id}. */
  public static String format(UUID id) {
    return format(PREFIX, id);
  }

  /** {@code waitpoint_} and the 26-character base32 form of {@code id}. */
  public static String formatToken(UUID id) {
    return format(TOKEN_PREFIX, id);
  }

  /**
   * Parses a token id.
   *
   * @throws IllegalArgumentException when {@code text} is not a token id
   */
  public static UUID parseToken(String text) {
    return parse(TOKEN_PREFIX, "token", text);
  }

  private static String format(String prefix, UUID id) {
    char[] out = new char[26];
    long hi = id.getMostSignificantBits();
    long lo = id.getLeastSignificantBits();
    // 128 bits as 26 five-bit groups, the first group holding only the top 3 bits.
    for (int i = 25; i >= 0; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return prefix + new String(out);
  }

  /**
   * Parses a run id.
   *
   * @throws IllegalArgumentException when {@code text} is not a run id
   */
  public static UUID parse(String text) {
    return parse(PREFIX, "run", text);
  }

  private static UUID parse(String prefix, String what, String text) {
    if (text == null || text.length() != prefix.length() + 26 || !text.startsWith(prefix)) {
      throw new IllegalArgumentException("not a " + what + " id: '" + text + "'");
    }
    long hi = 0;
    long lo = 0;
    for (int i = prefix.length(); i < text.length(); i++) {
      char c = text.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0 || (i == prefix.length() && v > 7)) {
        throw new IllegalArgumentException("not a " + what + " id: '" + text + "'");
      }
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | v;
    }
    return new UUID(hi, lo);
  }
}
