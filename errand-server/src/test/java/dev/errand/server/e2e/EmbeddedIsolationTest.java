package dev.errand.server.e2e;

/** {@link IsolationTest} on the embedded store. */
class EmbeddedIsolationTest extends IsolationTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
