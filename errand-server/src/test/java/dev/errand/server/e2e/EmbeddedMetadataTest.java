package dev.errand.server.e2e;

class EmbeddedMetadataTest extends MetadataTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
