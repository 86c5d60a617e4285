package dev.errand.server.e2e;

/** {@link RetryTest} on the embedded store. */
class EmbeddedRetryTest extends RetryTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
