package dev.errand.server.e2e;

/** {@link IdempotencyTest} on PostgreSQL. */
class PostgresIdempotencyTest extends IdempotencyTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
