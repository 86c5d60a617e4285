package dev.errand.server.secret;

/**
 * The server's master key is not the one that wrapped the stored data keys: nothing sealed can be
 * read with it. Raised at start, before the server accepts requests.
 */
public final class MasterKeyMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  MasterKeyMismatchException(String given, String stored) {
    super(
        "the master key does not match the one that wrapped the data keys (given key "
            + given
            + ", data keys wrapped by "
            + stored
            + "): start the server with the master key it was set up with, or rotate with"
            + " `errand server rotate-master-key`");
  }
}
