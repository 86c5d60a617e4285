package dev.errand.server.e2e;

/** {@link BulkActionTest} on the embedded store. */
class EmbeddedBulkActionTest extends BulkActionTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
