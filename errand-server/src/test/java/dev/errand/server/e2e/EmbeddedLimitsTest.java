package dev.errand.server.e2e;

class EmbeddedLimitsTest extends LimitsTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
