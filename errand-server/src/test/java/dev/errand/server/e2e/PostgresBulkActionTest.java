package dev.errand.server.e2e;

import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import dev.errand.server.store.TestDatabases;

class PostgresBulkActionTest extends BulkActionTest {
  private String url;

  @Override
  void newStorage() {
    url = TestDatabases.freshPostgresUrl();
  }

  @Override
  Store openStore() {
    return Stores.postgres(url);
  }
}
