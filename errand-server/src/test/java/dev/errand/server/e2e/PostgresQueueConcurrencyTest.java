package dev.errand.server.e2e;

/** {@link QueueConcurrencyTest} on PostgreSQL. */
class PostgresQueueConcurrencyTest extends QueueConcurrencyTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
