package dev.errand.server.e2e;

/** {@link DurableExecutionTest} on PostgreSQL. */
class PostgresDurableExecutionTest extends DurableExecutionTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
