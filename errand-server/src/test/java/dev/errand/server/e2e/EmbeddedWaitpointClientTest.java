package dev.errand.server.e2e;

/** {@link WaitpointClientTest} on the embedded store. */
class EmbeddedWaitpointClientTest extends WaitpointClientTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
