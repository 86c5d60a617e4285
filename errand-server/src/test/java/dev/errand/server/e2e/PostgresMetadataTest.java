package dev.errand.server.e2e;

class PostgresMetadataTest extends MetadataTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
