package dev.errand.server.secret;

import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;

/** Envelope encryption on PostgreSQL. */
class PostgresSecretsTest extends SecretsTest {
  @Override
  Store freshStore() {
    return Stores.postgres(TestDatabases.freshPostgresUrl(), 4);
  }
}
