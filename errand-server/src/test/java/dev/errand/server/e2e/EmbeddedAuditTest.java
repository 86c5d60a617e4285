package dev.errand.server.e2e;

/** {@link AuditTest} on the embedded store. */
class EmbeddedAuditTest extends AuditTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
