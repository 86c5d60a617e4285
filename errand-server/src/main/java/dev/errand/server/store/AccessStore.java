package dev.errand.server.store;

import dev.errand.server.store.Store.Environment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects, their environments and the environments' API keys (part of a {@link Store}). Keys are
 * stored as the SHA-256 hash of the whole key, never in clear. Thread-safe.
 */
public interface AccessStore {

  /** A project and the slugs of its environments, in order of creation. */
  record ProjectRecord(UUID id, String slug, Instant createdAt, List<String> environments) {}

  /** An environment of a project. */
  record EnvironmentRecord(UUID id, String projectSlug, String slug, Instant createdAt) {}

  /**
   * A stored API key (without its secret). {@code type} is one of {@code admin}, {@code worker},
   * {@code trigger-only}, {@code read-only}; {@code lastFour} is null for keys made before it was
   * kept.
   */
  record ApiKeyRecord(
      UUID id,
      UUID environmentId,
      String name,
      String type,
      String keyPrefix,
      String lastFour,
      Instant createdAt,
      Instant lastUsedAt,
      Instant expiresAt,
      Instant revokedAt,
      String createdBy) {}

  /** A key to store: everything but the secret itself. */
  record NewApiKey(
      UUID environmentId,
      String name,
      String type,
      String keyHash,
      String keyPrefix,
      String lastFour,
      Instant expiresAt,
      String createdBy) {}

  /** A live key found by its hash, with its environment. */
  record KeyMatch(ApiKeyRecord key, Environment environment) {}

  /** Creates a project and these environments of it; empty when a project has that slug. */
  Optional<ProjectRecord> createProject(String slug, List<String> environmentSlugs);

  /** All projects, by slug. */
  List<ProjectRecord> listProjects();

  Optional<ProjectRecord> findProject(String slug);

  /** Creates an environment of a project; empty when the project already has one of that slug. */
  Optional<EnvironmentRecord> createEnvironment(UUID projectId, String slug);

  /** A project's environments, in order of creation. */
  List<EnvironmentRecord> listEnvironments(UUID projectId);

  /** Environment {@code environmentSlug} of project {@code projectSlug}. */
  Optional<Environment> findEnvironment(String projectSlug, String environmentSlug);

  /**
   * Stores a new key; empty when a live (not revoked) key of the environment has that name. A hash
   * already stored is a failure (a key is random: it cannot happen twice).
   */
  Optional<ApiKeyRecord> createKey(NewApiKey key);

  /** The environment's keys, revoked ones included, newest first. */
  List<ApiKeyRecord> listKeys(UUID environmentId);

  /** A key of the environment by id. */
  Optional<ApiKeyRecord> findKey(UUID environmentId, UUID keyId);

  /** The environment's live key of that name. */
  Optional<ApiKeyRecord> findLiveKey(UUID environmentId, String name);

  /**
   * Revokes a key of the environment (a key already revoked keeps its revocation time); the key as
   * it is now, or empty when the environment has no such key.
   */
  Optional<ApiKeyRecord> revokeKey(UUID environmentId, UUID keyId);

  /** The key with this hash and its environment, unless it is unknown or revoked. */
  Optional<KeyMatch> findByHash(String keyHash);

  /** Records that a key was used now (database time). */
  void touchKey(UUID keyId);
}
