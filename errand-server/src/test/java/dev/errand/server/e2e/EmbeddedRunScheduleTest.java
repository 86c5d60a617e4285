package dev.errand.server.e2e;

/** {@link RunScheduleTest} on the embedded store. */
class EmbeddedRunScheduleTest extends RunScheduleTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
