package dev.errand.server.e2e;

/** {@link IsolationTest} on the postgres store. */
class PostgresIsolationTest extends IsolationTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
