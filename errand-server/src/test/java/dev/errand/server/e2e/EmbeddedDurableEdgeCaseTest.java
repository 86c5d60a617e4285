package dev.errand.server.e2e;

/** {@link DurableEdgeCaseTest} on the embedded store. */
class EmbeddedDurableEdgeCaseTest extends DurableEdgeCaseTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
