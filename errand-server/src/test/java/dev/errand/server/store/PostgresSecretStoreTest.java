package dev.errand.server.store;

/** The secret store contract on PostgreSQL. */
class PostgresSecretStoreTest extends SecretStoreContractTest {
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, PostgresStoreTest.POOL_SIZE);
  }
}
