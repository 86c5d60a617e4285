package dev.errand.server.secret;

import dev.errand.server.store.Store;
import dev.errand.server.store.Stores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Envelope encryption on the embedded store. */
class EmbeddedSecretsTest extends SecretsTest {
  @TempDir Path dataDir;

  @Override
  Store freshStore() {
    return Stores.embedded(dataDir);
  }
}
