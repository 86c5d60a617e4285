package dev.errand.server.e2e;

/** {@link WaitpointClientTest} on PostgreSQL. */
class PostgresWaitpointClientTest extends WaitpointClientTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
