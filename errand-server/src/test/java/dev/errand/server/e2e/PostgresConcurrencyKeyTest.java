package dev.errand.server.e2e;

/** {@link ConcurrencyKeyTest} on PostgreSQL. */
class PostgresConcurrencyKeyTest extends ConcurrencyKeyTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
