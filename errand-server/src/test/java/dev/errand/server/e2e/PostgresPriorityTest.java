package dev.errand.server.e2e;

/** {@link PriorityTest} on PostgreSQL. */
class PostgresPriorityTest extends PriorityTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
