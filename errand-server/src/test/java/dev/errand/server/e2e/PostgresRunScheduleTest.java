package dev.errand.server.e2e;

/** {@link RunScheduleTest} on PostgreSQL. */
class PostgresRunScheduleTest extends RunScheduleTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
