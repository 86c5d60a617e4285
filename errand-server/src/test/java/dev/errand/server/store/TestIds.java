package dev.errand.server.store;

import java.security.SecureRandom;
import java.util.UUID;

/** Time-ordered UUIDs (version 7) for tests: strictly increasing within this JVM. */
final class TestIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static long lastMillis;
  private static int sequence;

  private TestIds() {}

  /** The next id: later than every id this JVM made before. */
  static synchronized UUID next() {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      sequence = 0;
    } else if (++sequence > 0xFFF) {
      lastMillis++;
      sequence = 0;
    }
    return at(lastMillis, sequence);
  }

  /** A version 7 id for {@code unixMillis} (48 bits), with {@code sequence} in rand_a. */
  static UUID at(long unixMillis, int sequence) {
    long msb = (unixMillis << 16) | 0x7000L | (sequence & 0xFFFL);
    long lsb = 0x8000_0000_0000_0000L | (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
    return new UUID(msb, lsb);
  }
}
