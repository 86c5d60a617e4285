package dev.errand.server.e2e;

/** {@link BulkActionTest} on PostgreSQL. */
class PostgresBulkActionTest extends BulkActionTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
