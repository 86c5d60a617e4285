package dev.errand.server.e2e;

/** {@link IdempotencyTest} on the embedded store. */
class EmbeddedIdempotencyTest extends IdempotencyTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
