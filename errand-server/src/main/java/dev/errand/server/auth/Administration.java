package dev.errand.server.auth;

import dev.errand.sdk.ApiKeys;
import dev.errand.server.store.AccessStore;
import dev.errand.server.store.AccessStore.ApiKeyRecord;
import dev.errand.server.store.AccessStore.EnvironmentRecord;
import dev.errand.server.store.AccessStore.NewApiKey;
import dev.errand.server.store.AccessStore.ProjectRecord;
import dev.errand.server.store.Store.Environment;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the admin API does: projects, their environments, and the environments' API keys (created
 * and shown once, listed without their secret, revoked). Thread-safe.
 */
public final class Administration {
  /** The environments a new project gets unless told otherwise. */
  public static final List<String> DEFAULT_ENVIRONMENTS = List.of("dev", "staging", "prod");

  /** Project and environment slugs: lowercase letters, digits and dashes, 1 to 32. */
  private static final Pattern SLUG = Pattern.compile(ApiKeys.ENVIRONMENT_SLUG);

  /** Key names: a letter or digit, then up to 63 letters, digits, dots, dashes, underscores. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** A key just created, with its secret: the only time the secret is shown. */
  public record CreatedKey(ApiKeyRecord key, Environment environment, String secret) {}

  private final AccessStore store;
  private final Authenticator authenticator;
  private final Clock clock;

  public Administration(AccessStore store, Authenticator authenticator, Clock clock) {
    this.store = store;
    this.authenticator = authenticator;
    this.clock = clock;
  }

  public ProjectRecord createProject(String slug, List<String> environments) {
    checkSlug("project", slug);
    List<String> envs = environments == null ? DEFAULT_ENVIRONMENTS : environments;
    if (envs.isEmpty()) {
      throw AccessException.badRequest("environments must name at least one environment");
    }
    envs.forEach(e -> checkSlug("environment", e));
    if (envs.stream().distinct().count() != envs.size()) {
      throw AccessException.badRequest("environments names one environment twice: " + envs);
    }
    return store
        .createProject(slug, envs)
        .orElseThrow(
            () -> AccessException.conflict("project_exists", "project '" + slug + "' exists"));
  }

  public List<ProjectRecord> projects() {
    return store.listProjects();
  }

  public ProjectRecord project(String slug) {
    return store
        .findProject(slug)
        .orElseThrow(
            () -> AccessException.notFound("project_not_found", "no project '" + slug + "'"));
  }

  public EnvironmentRecord createEnvironment(String projectSlug, String slug) {
    checkSlug("environment", slug);
    ProjectRecord project = project(projectSlug);
    return store
        .createEnvironment(project.id(), slug)
        .orElseThrow(
            () ->
                AccessException.conflict(
                    "environment_exists",
                    "project '" + projectSlug + "' has an environment '" + slug + "'"));
  }

  public List<EnvironmentRecord> environments(String projectSlug) {
    return store.listEnvironments(project(projectSlug).id());
  }

  /** Environment {@code slug} of the project. */
  public Environment environment(String projectSlug, String slug) {
    project(projectSlug);
    return store
        .findEnvironment(projectSlug, slug)
        .orElseThrow(
            () ->
                AccessException.notFound(
                    "environment_not_found",
                    "project '" + projectSlug + "' has no environment '" + slug + "'"));
  }

  /**
   * Creates a key of an environment.
   *
   * @param type {@code admin}, {@code worker}, {@code trigger-only} or {@code read-only}
   * @param expiresAt when it stops working (null: never; kept to the millisecond); must be in the
   *     future
   * @param createdBy who made it, as recorded
   */
  public CreatedKey createKey(
      String projectSlug,
      String environmentSlug,
      String name,
      String type,
      Instant expiresAt,
      String createdBy) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw AccessException.badRequest(
          "name must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit,"
              + " was "
              + (name == null ? "missing" : "'" + name + "'"));
    }
    KeyType keyType =
        KeyType.of(type)
            .orElseThrow(
                () ->
                    AccessException.badRequest(
                        "type must be one of "
                            + KeyType.slugs()
                            + ", was "
                            + (type == null ? "missing" : "'" + type + "'")));
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      throw AccessException.badRequest(
          "expiresAt must be in the future, was " + expiresAt + " (now " + clock.instant() + ")");
    }
    if (expiresAt != null) {
      expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
    }
    Environment env = environment(projectSlug, environmentSlug);
    String secret = SecretKeys.generate(env.slug());
    ApiKeyRecord key =
        store
            .createKey(
                new NewApiKey(
                    env.id(),
                    name,
                    keyType.slug(),
                    SecretKeys.hash(secret),
                    SecretKeys.prefix(secret),
                    SecretKeys.lastFour(secret),
                    expiresAt,
                    createdBy))
            .orElseThrow(
                () ->
                    AccessException.conflict(
                        "key_name_taken",
                        "environment '"
                            + environmentSlug
                            + "' has a live key named '"
                            + name
                            + "'; revoke it or pick another name"));
    return new CreatedKey(key, env, secret);
  }

  public List<ApiKeyRecord> keys(String projectSlug, String environmentSlug) {
    return store.listKeys(environment(projectSlug, environmentSlug).id());
  }

  /** A key of the environment by id, or its live key of that name. */
  public ApiKeyRecord key(String projectSlug, String environmentSlug, String idOrName) {
    Environment env = environment(projectSlug, environmentSlug);
    Optional<ApiKeyRecord> key =
        parseId(idOrName)
            .flatMap(id -> store.findKey(env.id(), id))
            .or(() -> store.findLiveKey(env.id(), idOrName));
    return key.orElseThrow(
        () ->
            AccessException.notFound(
                "key_not_found",
                "environment '"
                    + projectSlug
                    + "/"
                    + environmentSlug
                    + "' has no key '"
                    + idOrName
                    + "'"));
  }

  /**
   * Revokes a key (by id or live name): refused on this node at once, on every other node within
   * {@link Authenticator#CACHE_TTL}. Revoking a revoked key changes nothing.
   */
  public ApiKeyRecord revoke(String projectSlug, String environmentSlug, String idOrName) {
    ApiKeyRecord key = key(projectSlug, environmentSlug, idOrName);
    ApiKeyRecord revoked = store.revokeKey(key.environmentId(), key.id()).orElse(key);
    authenticator.invalidate();
    return revoked;
  }

  private static Optional<UUID> parseId(String text) {
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void checkSlug(String what, String slug) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      throw AccessException.badRequest(
          what
              + " must be 1 to 32 lowercase letters, digits or dashes, starting with a letter or"
              + " digit, was "
              + (slug == null ? "missing" : "'" + slug + "'"));
    }
  }

  /** Whether a key is live now: neither revoked nor expired. */
  public String status(ApiKeyRecord key) {
    if (key.revokedAt() != null) {
      return "revoked";
    }
    if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
      return "expired";
    }
    return "active";
  }
}
