package dev.errand.server.e2e;

/** {@link DurableExecutionTest} on the embedded store. */
class EmbeddedDurableExecutionTest extends DurableExecutionTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
