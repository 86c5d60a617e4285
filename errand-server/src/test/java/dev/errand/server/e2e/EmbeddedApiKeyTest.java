package dev.errand.server.e2e;

/** {@link ApiKeyTest} on the embedded store. */
class EmbeddedApiKeyTest extends ApiKeyTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
