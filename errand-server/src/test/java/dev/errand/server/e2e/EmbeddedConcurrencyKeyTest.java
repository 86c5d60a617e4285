package dev.errand.server.e2e;

/** {@link ConcurrencyKeyTest} on the embedded store. */
class EmbeddedConcurrencyKeyTest extends ConcurrencyKeyTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
