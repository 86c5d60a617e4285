package dev.errand.server.e2e;

/** {@link DebounceTest} on the embedded store. */
class EmbeddedDebounceTest extends DebounceTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
