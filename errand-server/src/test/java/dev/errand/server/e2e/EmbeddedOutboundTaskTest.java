package dev.errand.server.e2e;

/** {@link OutboundTaskTest} on the embedded store. */
class EmbeddedOutboundTaskTest extends OutboundTaskTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
