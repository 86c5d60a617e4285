package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.server.store.Store.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The secrets part of the store contract (data keys, environment variables, webhook secrets), run
 * against each store by a subclass. The store only moves opaque sealed text: these tests use
 * arbitrary strings.
 */
abstract class SecretStoreContractTest {
  Store store;
  SecretStore secrets;
  Environment env;

  abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    secrets = store.secrets();
    env = store.ensureEnvironment("s-" + UUID.randomUUID(), "prod");
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  DataKeyRecord key(Environment e, String fingerprint) {
    return new DataKeyRecord(
        e.id(), UUID.randomUUID(), "wrapped-" + UUID.randomUUID(), fingerprint, 0);
  }

  @Test
  void aDataKeyIsStoredOncePerEnvironment() throws Exception {
    assertThat(secrets.findDataKey(env.id())).isEmpty();
    assertThat(secrets.envVarsVersion(env.id())).isZero();
    DataKeyRecord first = secrets.ensureDataKey(key(env, "fp1"));
    DataKeyRecord second = secrets.ensureDataKey(key(env, "fp1"));
    assertThat(second).isEqualTo(first);
    assertThat(secrets.findDataKey(env.id())).contains(first);
    assertThat(secrets.listDataKeys()).contains(first);

    // concurrent first uses on several nodes agree on one key
    Environment fresh = store.ensureEnvironment(env.projectSlug(), "race");
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<DataKeyRecord>> results =
          java.util.stream.IntStream.range(0, 4)
              .mapToObj(i -> pool.submit(() -> secrets.ensureDataKey(key(fresh, "fp1"))))
              .toList();
      DataKeyRecord winner = results.getFirst().get();
      for (Future<DataKeyRecord> r : results) {
        assertThat(r.get()).isEqualTo(winner);
      }
    }
  }

  @Test
  void variablesAreSetListedAndDeletedAndEachChangeMovesTheVersion() {
    assertThatThrownBy(() -> secrets.putEnvVar(env.id(), "A", "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no data key");
    secrets.ensureDataKey(key(env, "fp1"));
    assertThat(secrets.putEnvVar(env.id(), "B_NAME", "sealed-b")).isTrue();
    assertThat(secrets.putEnvVar(env.id(), "A_NAME", "sealed-a")).isTrue();
    assertThat(secrets.envVarsVersion(env.id())).isEqualTo(2);
    assertThat(secrets.putEnvVar(env.id(), "A_NAME", "sealed-a2")).isFalse();
    assertThat(secrets.envVarsVersion(env.id())).isEqualTo(3);

    List<EnvVarRecord> vars = secrets.listEnvVars(env.id());
    assertThat(vars).extracting(EnvVarRecord::name).containsExactly("A_NAME", "B_NAME");
    assertThat(vars.getFirst().sealedValue()).isEqualTo("sealed-a2");
    assertThat(vars.getFirst().updatedAt()).isAfterOrEqualTo(vars.getFirst().createdAt());
    assertThat(vars.getFirst().toString()).doesNotContain("sealed-a2");

    Environment other = store.ensureEnvironment(env.projectSlug(), "other");
    assertThat(secrets.listEnvVars(other.id())).isEmpty();
    assertThat(secrets.deleteEnvVar(other.id(), "A_NAME")).isFalse();

    assertThat(secrets.deleteEnvVar(env.id(), "A_NAME")).isTrue();
    assertThat(secrets.deleteEnvVar(env.id(), "A_NAME")).isFalse();
    assertThat(secrets.envVarsVersion(env.id())).isEqualTo(4);
    assertThat(secrets.listEnvVars(env.id()))
        .extracting(EnvVarRecord::name)
        .containsExactly("B_NAME");
  }

  @Test
  void rewrappingSkipsKeysAlreadyRewrappedAndRewrapsSettingsInTheSameTransaction() {
    String setting = "test_setting_" + UUID.randomUUID().toString().replace("-", "");
    store.setting(setting, () -> "sealed-v1");
    Environment late = store.ensureEnvironment(env.projectSlug(), "late-" + UUID.randomUUID());
    secrets.rewrapDataKeys(
        k -> new DataKeyRecord(k.environmentId(), k.keyId(), k.wrappedKey(), "new", 0), "new");
    DataKeyRecord added = secrets.ensureDataKey(key(late, "old"));

    // a failing setting rewrap undoes the data keys rewrapped before it
    assertThatThrownBy(
            () ->
                secrets.rewrapDataKeys(
                    k -> new DataKeyRecord(k.environmentId(), k.keyId(), "x", "new", 0),
                    "new",
                    Map.of(
                        setting,
                        v -> {
                          throw new IllegalStateException("cannot unwrap the setting");
                        })))
        .hasMessageContaining("cannot unwrap the setting");
    assertThat(secrets.findDataKey(late.id())).contains(added);
    assertThat(secrets.findSetting(setting)).contains("sealed-v1");

    // only the key not under the new fingerprint is given to the operator
    List<UUID> given = new ArrayList<>();
    int count =
        secrets.rewrapDataKeys(
            k -> {
              given.add(k.environmentId());
              return new DataKeyRecord(
                  k.environmentId(), k.keyId(), "new-" + k.wrappedKey(), "new", 0);
            },
            "new",
            Map.of(setting, v -> v + "-rewrapped", setting + "_absent", v -> v + "-created"));
    assertThat(count).isEqualTo(1);
    assertThat(given).containsExactly(late.id());
    assertThat(secrets.findDataKey(late.id()).orElseThrow().wrappedKey())
        .isEqualTo("new-" + added.wrappedKey());
    assertThat(secrets.findSetting(setting)).contains("sealed-v1-rewrapped");
    assertThat(secrets.findSetting(setting + "_absent")).isEmpty();

    // run again: nothing left
    assertThat(
            secrets.rewrapDataKeys(
                k -> {
                  throw new IllegalStateException("already rewrapped: " + k.environmentId());
                },
                "new"))
        .isZero();

    assertThat(secrets.replaceSetting(setting, "sealed-v1", "stale")).isFalse();
    assertThat(secrets.replaceSetting(setting, "sealed-v1-rewrapped", "sealed-v2")).isTrue();
    assertThat(secrets.findSetting(setting)).contains("sealed-v2");
  }

  @Test
  void rewrappingReplacesEveryKeyInOneTransactionOrNone() {
    DataKeyRecord a = secrets.ensureDataKey(key(env, "old"));
    Environment other = store.ensureEnvironment(env.projectSlug(), "staging");
    DataKeyRecord b = secrets.ensureDataKey(key(other, "old"));

    // a rewrap that fails half way changes nothing
    assertThatThrownBy(
            () ->
                secrets.rewrapDataKeys(
                    k -> {
                      if (k.environmentId().equals(other.id())) {
                        throw new IllegalStateException("cannot unwrap");
                      }
                      return new DataKeyRecord(
                          k.environmentId(), k.keyId(), "new-" + k.wrappedKey(), "new", 0);
                    },
                    "new"))
        .hasMessageContaining("cannot unwrap");
    assertThat(secrets.findDataKey(env.id())).contains(a);

    int count =
        secrets.rewrapDataKeys(
            k ->
                k.masterKeyFingerprint().equals("old")
                    ? new DataKeyRecord(
                        k.environmentId(), k.keyId(), "new-" + k.wrappedKey(), "new", 0)
                    : new DataKeyRecord(k.environmentId(), k.keyId(), k.wrappedKey(), "new", 0),
            "new");
    assertThat(count).isGreaterThanOrEqualTo(2);
    assertThat(secrets.findDataKey(env.id()).orElseThrow().wrappedKey())
        .isEqualTo("new-" + a.wrappedKey());
    assertThat(secrets.findDataKey(other.id()).orElseThrow().masterKeyFingerprint())
        .isEqualTo("new");
    assertThat(secrets.findDataKey(other.id()).orElseThrow().keyId()).isEqualTo(b.keyId());
  }

  @Test
  void webhookSecretsAreListedAndReplacedOnlyWhenUnchanged() {
    String id = "we_" + UUID.randomUUID().toString().replace("-", "");
    store
        .webhooks()
        .createEndpoint(
            new WebhookEndpointRecord(
                id,
                env.id(),
                "hook",
                "{\"type\":\"github\"}",
                "[{\"task\":\"handle\"}]",
                null,
                86_400_000L,
                1 << 20,
                null,
                null,
                true,
                null,
                null,
                List.of()),
            "in-clear")
        .orElseThrow();
    assertThat(secrets.listWebhookSecrets())
        .filteredOn(r -> r.endpointId().equals(id))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.environmentId()).isEqualTo(env.id());
              assertThat(r.version()).isEqualTo(1);
              assertThat(r.value()).isEqualTo("in-clear");
              assertThat(r.toString()).doesNotContain("in-clear");
            });
    assertThat(secrets.replaceWebhookSecret(id, 1, "stale", "sealed")).isFalse();
    assertThat(secrets.replaceWebhookSecret(id, 1, "in-clear", "sealed")).isTrue();
    assertThat(store.webhooks().findEndpoint(id).orElseThrow().secrets().getFirst().value())
        .isEqualTo("sealed");
  }
}
