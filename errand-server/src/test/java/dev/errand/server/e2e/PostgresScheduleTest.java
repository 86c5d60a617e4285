package dev.errand.server.e2e;

/** {@link ScheduleTest} on the postgres store. */
class PostgresScheduleTest extends ScheduleTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
