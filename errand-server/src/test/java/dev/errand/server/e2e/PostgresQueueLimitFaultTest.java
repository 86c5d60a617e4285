package dev.errand.server.e2e;

/** {@link QueueLimitFaultTest} on PostgreSQL. */
class PostgresQueueLimitFaultTest extends QueueLimitFaultTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
