package dev.errand.server.e2e;

class PostgresLimitsTest extends LimitsTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
