package dev.errand.server.e2e;

/** {@link ScheduleTest} on the embedded store. */
class EmbeddedScheduleTest extends ScheduleTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
