package dev.errand.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The secret store contract on the embedded store. */
class EmbeddedSecretStoreTest extends SecretStoreContractTest {
  @TempDir static Path dataDir;

  @Override
  Store open() {
    return Stores.embedded(dataDir);
  }
}
