package dev.errand.server.e2e;

/** {@link ApiKeyTest} on the postgres store, with a second node on the same database. */
class PostgresApiKeyTest extends ApiKeyTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
