package dev.errand.server.e2e;

/** Environment variables on PostgreSQL. */
class PostgresEnvVarTest extends EnvVarTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
