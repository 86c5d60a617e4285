package dev.errand.server.e2e;

/** {@link RetryTest} on PostgreSQL. */
class PostgresRetryTest extends RetryTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
