package dev.errand.server.e2e;

/** {@link DurableEdgeCaseTest} on PostgreSQL. */
class PostgresDurableEdgeCaseTest extends DurableEdgeCaseTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
