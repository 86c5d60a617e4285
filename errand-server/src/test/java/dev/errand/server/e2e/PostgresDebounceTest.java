package dev.errand.server.e2e;

/** {@link DebounceTest} on PostgreSQL. */
class PostgresDebounceTest extends DebounceTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
