package dev.errand.server.store;

/** The projects-and-keys store contract on PostgreSQL. */
class PostgresAccessStoreTest extends AccessStoreContractTest {
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, PostgresStoreTest.POOL_SIZE);
  }
}
