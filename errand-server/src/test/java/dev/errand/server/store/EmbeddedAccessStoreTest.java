package dev.errand.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The projects-and-keys store contract on the embedded store. */
class EmbeddedAccessStoreTest extends AccessStoreContractTest {
  @TempDir static Path dataDir;

  @Override
  Store open() {
    return Stores.embedded(dataDir);
  }
}
