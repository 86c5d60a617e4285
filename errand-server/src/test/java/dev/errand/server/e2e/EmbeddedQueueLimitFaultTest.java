package dev.errand.server.e2e;

/** {@link QueueLimitFaultTest} on the embedded store. */
class EmbeddedQueueLimitFaultTest extends QueueLimitFaultTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
