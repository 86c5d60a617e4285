package dev.errand.server.e2e;

/** {@link QueueConcurrencyTest} on the embedded store. */
class EmbeddedQueueConcurrencyTest extends QueueConcurrencyTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
