package dev.errand.server.e2e;

/** {@link EndToEndTest} on the embedded store. */
class EmbeddedEndToEndTest extends EndToEndTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
