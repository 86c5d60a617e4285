package dev.errand.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The webhook store contract on the embedded store. */
class EmbeddedWebhookStoreTest extends WebhookStoreContractTest {
  @TempDir static Path dataDir;

  @Override
  Store open() {
    return Stores.embedded(dataDir);
  }
}
