package dev.errand.server.e2e;

/** {@link SchedulesClientTest} on the embedded store. */
class EmbeddedSchedulesClientTest extends SchedulesClientTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
