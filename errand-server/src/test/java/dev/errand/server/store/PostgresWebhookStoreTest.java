package dev.errand.server.store;

/** The webhook store contract on PostgreSQL. */
class PostgresWebhookStoreTest extends WebhookStoreContractTest {
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, PostgresStoreTest.POOL_SIZE);
  }
}
