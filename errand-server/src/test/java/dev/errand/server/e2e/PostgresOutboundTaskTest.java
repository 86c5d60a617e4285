package dev.errand.server.e2e;

/** {@link OutboundTaskTest} on PostgreSQL. */
class PostgresOutboundTaskTest extends OutboundTaskTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
