package dev.errand.server.e2e;

/** Environment variables on the embedded store. */
class EmbeddedEnvVarTest extends EnvVarTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
