package dev.errand.server.e2e;

/** {@link PriorityTest} on the embedded store. */
class EmbeddedPriorityTest extends PriorityTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
