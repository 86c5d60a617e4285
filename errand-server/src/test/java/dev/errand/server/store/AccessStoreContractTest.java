package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.errand.server.store.AccessStore.ApiKeyRecord;
import dev.errand.server.store.AccessStore.NewApiKey;
import dev.errand.server.store.AccessStore.ProjectRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The projects-and-keys part of the store contract, run against each store by a subclass. */
abstract class AccessStoreContractTest {
  Store store;
  AccessStore access;
  String slug;

  abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    access = store.access();
    slug = "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  NewApiKey key(UUID environmentId, String name, Instant expiresAt) {
    String hash = "h-" + UUID.randomUUID();
    return new NewApiKey(
        environmentId, name, "worker", hash, "ek_prod_abcd", "wxyz", expiresAt, "t");
  }

  @Test
  void aProjectIsCreatedOnceWithItsEnvironments() {
    ProjectRecord project =
        access.createProject(slug, List.of("dev", "staging", "prod")).orElseThrow();
    assertThat(project.environments()).containsExactly("dev", "staging", "prod");
    assertThat(access.createProject(slug, List.of("dev"))).isEmpty();
    assertThat(access.listProjects()).extracting(ProjectRecord::slug).contains(slug);
    assertThat(access.createEnvironment(project.id(), "qa")).isPresent();
    assertThat(access.createEnvironment(project.id(), "qa")).isEmpty();
    assertThat(access.listEnvironments(project.id()))
        .extracting(AccessStore.EnvironmentRecord::slug)
        .containsExactly("dev", "staging", "prod", "qa");
    assertThat(access.findEnvironment(slug, "prod")).isPresent();
    assertThat(access.findEnvironment(slug, "nope")).isEmpty();
  }

  @Test
  void aKeyIsFoundByHashUntilRevokedAndItsNameIsFreedByRevocation() {
    access.createProject(slug, List.of("prod"));
    UUID env = access.findEnvironment(slug, "prod").orElseThrow().id();
    Instant expiresAt = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    NewApiKey newKey = key(env, "ci", expiresAt);
    ApiKeyRecord key = access.createKey(newKey).orElseThrow();
    assertThat(key.name()).isEqualTo("ci");
    assertThat(key.type()).isEqualTo("worker");
    assertThat(key.lastFour()).isEqualTo("wxyz");
    assertThat(key.expiresAt()).isEqualTo(expiresAt);
    assertThat(key.createdAt()).isNotNull();
    assertThat(key.lastUsedAt()).isNull();
    assertThat(access.createKey(key(env, "ci", null))).isEmpty();

    assertThat(access.findByHash(newKey.keyHash()))
        .hasValueSatisfying(m -> assertThat(m.environment().id()).isEqualTo(env));
    access.touchKey(key.id());
    assertThat(access.findKey(env, key.id()).orElseThrow().lastUsedAt()).isNotNull();
    assertThat(access.findLiveKey(env, "ci")).isPresent();

    ApiKeyRecord revoked = access.revokeKey(env, key.id()).orElseThrow();
    assertThat(revoked.revokedAt()).isNotNull();
    assertThat(access.revokeKey(env, key.id()).orElseThrow().revokedAt())
        .isEqualTo(revoked.revokedAt());
    assertThat(access.findByHash(newKey.keyHash())).isEmpty();
    assertThat(access.findLiveKey(env, "ci")).isEmpty();
    assertThat(access.createKey(key(env, "ci", null))).isPresent();
    assertThat(access.listKeys(env)).hasSize(2);
  }

  @Test
  void keysStayInTheirEnvironment() {
    access.createProject(slug, List.of("staging", "prod"));
    UUID prod = access.findEnvironment(slug, "prod").orElseThrow().id();
    UUID staging = access.findEnvironment(slug, "staging").orElseThrow().id();
    ApiKeyRecord key = access.createKey(key(prod, "ci", null)).orElseThrow();
    assertThat(access.createKey(key(staging, "ci", null))).isPresent(); // names are per env
    assertThat(access.findKey(staging, key.id())).isEmpty();
    assertThat(access.revokeKey(staging, key.id())).isEmpty();
    assertThat(access.findKey(prod, key.id()).orElseThrow().revokedAt()).isNull();
    assertThat(access.listKeys(staging))
        .extracting(ApiKeyRecord::environmentId)
        .containsOnly(staging);
  }
}
