package dev.errand.server.e2e;

import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import java.nio.file.Path;
import java.util.UUID;

class EmbeddedBulkActionTest extends BulkActionTest {
  private Path dir;

  @Override
  void newStorage() {
    dir = tempDir.resolve("store-" + UUID.randomUUID());
  }

  @Override
  Store openStore() {
    return Stores.embedded(dir);
  }
}
