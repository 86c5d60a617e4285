package dev.errand.server.e2e;

/** {@link EndToEndTest} on PostgreSQL. */
class PostgresEndToEndTest extends EndToEndTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
