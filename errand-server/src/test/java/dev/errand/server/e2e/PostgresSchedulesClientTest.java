package dev.errand.server.e2e;

/** {@link SchedulesClientTest} on the postgres store. */
class PostgresSchedulesClientTest extends SchedulesClientTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
