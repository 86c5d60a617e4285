package dev.errand.server.secret;

import dev.errand.sdk.internal.KnownSecrets;
import dev.errand.sdk.internal.Redactor;
import dev.errand.server.store.EnvVarRecord;
import dev.errand.server.store.SecretStore;
import dev.errand.server.store.Store.Environment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * Environment variables: set, list, delete, and every value of an environment for its workers and
 * for redaction. Values are sealed under the environment's data key, bound to the project,
 * environment and name. Thread-safe.
 */
public final class EnvVars {

  /** What a name must match: {@value}. */
  public static final String NAME_RULE = "[A-Z_][A-Z0-9_]*";

  /** The longest name: {@value} characters. */
  public static final int MAX_NAME_LENGTH = 128;

  /** The largest value: {@value} bytes of UTF-8 (64 KiB). */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  /**
   * How long a node trusts its copy of an environment's version before reading it again: 1 s. A
   * change made on this node counts at once; one made on another node within this.
   */
  static final Duration VERSION_TTL = Duration.ofSeconds(1);

  private static final Pattern NAME = Pattern.compile(NAME_RULE);
  private static final String PURPOSE = "errand/env-var/v1";

  /** An environment's values at one version. */
  public record Snapshot(long version, Map<String, String> values, Redactor redactor) {
    @Override
    public String toString() {
      return "Snapshot[version=" + version + ", names=" + values.keySet() + "]";
    }
  }

  private record Version(long version, long readAtNanos) {}

  private final SecretStore store;
  private final DataKeys dataKeys;

  /**
   * The most values of one environment redacted at once: {@value}. Redaction covers the values an
   * environment had since this node started (a run may still use a value that was just replaced),
   * until there are more than this many; then only the current ones.
   */
  static final int MAX_REDACTED_VALUES = 1_000;

  private final Map<UUID, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<UUID, java.util.Set<String>> seen = new ConcurrentHashMap<>();
  private final Map<UUID, Version> versions = new ConcurrentHashMap<>();

  EnvVars(SecretStore store, DataKeys dataKeys) {
    this.store = store;
    this.dataKeys = dataKeys;
  }

  /**
   * Sets a variable; true when it is new.
   *
   * @throws IllegalArgumentException when the name or the value breaks the rules
   */
  public boolean set(Environment env, String name, String value) {
    checkName(name);
    if (value == null) {
      throw new IllegalArgumentException("value: required, a string");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "value: at most " + MAX_VALUE_BYTES + " bytes of UTF-8, was " + bytes);
    }
    SecretKey key = dataKeys.forEnvironment(env.id());
    String sealed = Aead.seal(key, value.getBytes(StandardCharsets.UTF_8), aad(env, name));
    KnownSecrets.addAll(List.of(value));
    boolean created = store.putEnvVar(env.id(), name, sealed);
    forget(env.id());
    return created;
  }

  /** The environment's variables, by name; their values stay sealed. */
  public List<EnvVarRecord> list(Environment env) {
    return store.listEnvVars(env.id());
  }

  /** Deletes a variable; false when there was none. */
  public boolean delete(Environment env, String name) {
    checkName(name);
    boolean deleted = store.deleteEnvVar(env.id(), name);
    forget(env.id());
    return deleted;
  }

  /** The environment's current version (changes whenever a variable does). */
  public long version(Environment env) {
    long now = System.nanoTime();
    Version v = versions.get(env.id());
    if (v == null || now - v.readAtNanos() > VERSION_TTL.toNanos()) {
      v = new Version(store.envVarsVersion(env.id()), now);
      versions.put(env.id(), v);
    }
    return v.version();
  }

  /**
   * Every value of the environment, decrypted, at its current version.
   *
   * @throws SecretUnreadableException naming the first variable that does not decrypt
   */
  public Snapshot snapshot(Environment env) {
    long version = version(env);
    Snapshot cached = snapshots.get(env.id());
    if (cached != null && cached.version() == version) {
      return cached;
    }
    // read the version again with the values: a change in between gives a newer snapshot, never an
    // older one under a newer number
    long stored = store.envVarsVersion(env.id());
    List<EnvVarRecord> records = store.listEnvVars(env.id());
    Map<String, String> values = new LinkedHashMap<>();
    if (!records.isEmpty()) {
      SecretKey key = dataKeys.forEnvironment(env.id());
      for (EnvVarRecord r : records) {
        values.put(r.name(), open(key, env, r));
      }
    }
    KnownSecrets.addAll(values.values());
    versions.put(env.id(), new Version(stored, System.nanoTime()));
    Snapshot snapshot = new Snapshot(stored, Map.copyOf(values), redactor(env.id(), values));
    snapshots.put(env.id(), snapshot);
    return snapshot;
  }

  /** A redactor of the environment's current values. */
  public Redactor redactor(Environment env) {
    return snapshot(env).redactor();
  }

  /** A redactor of the environment's current values and of those it had before on this node. */
  private Redactor redactor(UUID environmentId, Map<String, String> current) {
    java.util.Set<String> values =
        seen.compute(
            environmentId,
            (id, before) -> {
              java.util.Set<String> next = new java.util.LinkedHashSet<>(current.values());
              if (before != null && before.size() + next.size() <= MAX_REDACTED_VALUES) {
                next.addAll(before);
              }
              return next;
            });
    return Redactor.of(values);
  }

  private void forget(UUID environmentId) {
    versions.remove(environmentId);
    snapshots.remove(environmentId);
  }

  private static String open(SecretKey key, Environment env, EnvVarRecord r) {
    byte[] plain =
        Aead.open(
            key,
            r.sealedValue(),
            aad(env, r.name()),
            "environment variable " + r.name() + " of environment " + env.slug());
    return new String(plain, StandardCharsets.UTF_8);
  }

  static byte[] aad(Environment env, String name) {
    return Aead.associatedData(PURPOSE, env.projectId().toString(), env.id().toString(), name);
  }

  /**
   * Checks a variable name.
   *
   * @throws IllegalArgumentException naming the rule
   */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name: required");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name: at most " + MAX_NAME_LENGTH + " characters, was " + name.length());
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: must match "
              + NAME_RULE
              + " (upper-case letters, digits and _), was '"
              + name
              + "'");
    }
  }
}
