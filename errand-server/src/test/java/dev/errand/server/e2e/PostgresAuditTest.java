package dev.errand.server.e2e;

/** {@link AuditTest} on the postgres store. */
class PostgresAuditTest extends AuditTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
