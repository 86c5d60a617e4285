package dev.errand.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The audit log contract on the embedded store. */
class EmbeddedAuditStoreTest extends AuditStoreContractTest {
  @TempDir static Path dataDir;

  @Override
  Store open() {
    return Stores.embedded(dataDir);
  }
}
