package dev.errand.server.e2e;

/** {@link DurableFaultTest} on PostgreSQL. */
class PostgresDurableFaultTest extends DurableFaultTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
