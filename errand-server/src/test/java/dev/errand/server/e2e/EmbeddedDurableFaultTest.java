package dev.errand.server.e2e;

/** {@link DurableFaultTest} on the embedded store. */
class EmbeddedDurableFaultTest extends DurableFaultTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
