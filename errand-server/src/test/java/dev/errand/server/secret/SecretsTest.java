package dev.errand.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.server.engine.CallbackKeySeal;
import dev.errand.server.store.DataKeyRecord;
import dev.errand.server.store.EnvVarRecord;
import dev.errand.server.store.SecretStore;
import dev.errand.server.store.Store;
import dev.errand.server.store.Store.Environment;
import dev.errand.server.store.WebhookEndpointRecord;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Envelope encryption over a real store, run on each store by a subclass: each test gets fresh,
 * empty storage (a rotation rewraps every data key of a database).
 */
abstract class SecretsTest {
  static final String STRIPE = "sk_live_51HxStripeSecretValue";
  static final String GITHUB = "ghp_githubTokenValue0123";

  Store store;
  SecretStore sealed;
  MasterKey master;
  Secrets secrets;
  Environment env;

  /** A store on fresh, empty storage. */
  abstract Store freshStore();

  @BeforeEach
  void open() {
    store = freshStore();
    sealed = store.secrets();
    master = MasterKey.generate();
    secrets = new Secrets(store, master);
    secrets.start();
    env = store.ensureEnvironment("acme", "prod");
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** What a new server node would read (no caches). */
  Map<String, String> readWith(MasterKey key) {
    Secrets fresh = new Secrets(store, key);
    fresh.start();
    return fresh.envVars().snapshot(env).values();
  }

  String stored(Environment e, String name) {
    return sealed.listEnvVars(e.id()).stream()
        .filter(r -> r.name().equals(name))
        .map(EnvVarRecord::sealedValue)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void valuesRoundTripAndAreStoredOnlySealed() {
    assertThat(secrets.envVars().set(env, "STRIPE_KEY", STRIPE)).isTrue();
    assertThat(secrets.envVars().set(env, "GITHUB_TOKEN", GITHUB)).isTrue();
    assertThat(secrets.envVars().set(env, "GITHUB_TOKEN", GITHUB + "2")).isFalse();
    EnvVars.Snapshot snapshot = secrets.envVars().snapshot(env);
    assertThat(snapshot.values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("STRIPE_KEY", STRIPE, "GITHUB_TOKEN", GITHUB + "2"));
    assertThat(snapshot.version()).isEqualTo(3);
    assertThat(snapshot.toString()).doesNotContain(STRIPE);
    assertThat(readWith(master)).isEqualTo(snapshot.values());

    assertThat(stored(env, "STRIPE_KEY")).startsWith("enc:v1:").doesNotContain(STRIPE);
    DataKeyRecord key = sealed.findDataKey(env.id()).orElseThrow();
    assertThat(key.masterKeyFingerprint()).isEqualTo(master.fingerprint());
    assertThat(key.wrappedKey()).startsWith("enc:v1:").doesNotContain(master.toBase64());

    assertThat(secrets.envVars().delete(env, "GITHUB_TOKEN")).isTrue();
    assertThat(secrets.envVars().snapshot(env).values()).containsOnlyKeys("STRIPE_KEY");
    assertThat(secrets.envVars().redactor(env).redact("key=" + STRIPE)).isEqualTo("key=[redacted]");
    // a replaced value stays redacted: a run may still hold it
    secrets.envVars().set(env, "STRIPE_KEY", "sk_live_rotated_value");
    assertThat(secrets.envVars().redactor(env).redact(STRIPE + " sk_live_rotated_value"))
        .isEqualTo("[redacted] [redacted]");
  }

  @Test
  void aCiphertextMovedToAnotherNameOrEnvironmentFailsToDecrypt() {
    secrets.envVars().set(env, "STRIPE_KEY", STRIPE);
    secrets.envVars().set(env, "OTHER", "other-value");
    sealed.putEnvVar(env.id(), "OTHER", stored(env, "STRIPE_KEY"));
    assertThatThrownBy(() -> readWith(master))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("environment variable OTHER of environment prod failed to decrypt")
        .hasMessageNotContaining(STRIPE);

    Environment staging = store.ensureEnvironment("acme", "staging");
    secrets.envVars().set(staging, "STRIPE_KEY", "staging-value");
    sealed.putEnvVar(staging.id(), "STRIPE_KEY", stored(env, "STRIPE_KEY"));
    Secrets fresh = new Secrets(store, master);
    assertThatThrownBy(() -> fresh.envVars().snapshot(staging))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("STRIPE_KEY of environment staging");
  }

  @Test
  void aSwappedPairFailsToDecrypt() {
    secrets.envVars().set(env, "A_KEY", "value-of-a");
    secrets.envVars().set(env, "B_KEY", "value-of-b");
    String a = stored(env, "A_KEY");
    String b = stored(env, "B_KEY");
    sealed.putEnvVar(env.id(), "A_KEY", b);
    sealed.putEnvVar(env.id(), "B_KEY", a);
    assertThatThrownBy(() -> readWith(master))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("failed to decrypt")
        .hasMessageNotContaining("value-of");
  }

  @Test
  void oneFlippedByteFailsToDecrypt() {
    secrets.envVars().set(env, "STRIPE_KEY", STRIPE);
    String text = stored(env, "STRIPE_KEY");
    byte[] raw = Base64.getDecoder().decode(text.substring("enc:v1:".length()));
    raw[raw.length / 2] ^= 0x40;
    sealed.putEnvVar(env.id(), "STRIPE_KEY", "enc:v1:" + Base64.getEncoder().encodeToString(raw));
    assertThatThrownBy(() -> readWith(master))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("environment variable STRIPE_KEY of environment prod");
  }

  @Test
  void anAlteredDataKeyOrAnotherMasterKeyIsReportedClearly() {
    secrets.envVars().set(env, "STRIPE_KEY", STRIPE);
    MasterKey other = MasterKey.generate();
    assertThatThrownBy(() -> new Secrets(store, other).start())
        .isInstanceOf(MasterKeyMismatchException.class)
        .hasMessageContaining("the master key does not match the one that wrapped the data keys")
        .hasMessageContaining(other.fingerprint())
        .hasMessageContaining(master.fingerprint());

    // alter the wrapped key in place: through another fingerprint and back (the store leaves a key
    // already under the target fingerprint alone)
    sealed.rewrapDataKeys(
        k -> {
          byte[] raw = Base64.getDecoder().decode(k.wrappedKey().substring("enc:v1:".length()));
          raw[20] ^= 1;
          return new DataKeyRecord(
              k.environmentId(),
              k.keyId(),
              "enc:v1:" + Base64.getEncoder().encodeToString(raw),
              "altered",
              k.varsVersion());
        },
        "altered");
    sealed.rewrapDataKeys(
        k ->
            new DataKeyRecord(
                k.environmentId(),
                k.keyId(),
                k.wrappedKey(),
                master.fingerprint(),
                k.varsVersion()),
        master.fingerprint());
    assertThatThrownBy(() -> readWith(master))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the data key of environment " + env.id() + " failed to decrypt");
  }

  @Test
  void rotationKeepsEverySecretReadableWithTheNewKeyOnly() {
    secrets.envVars().set(env, "STRIPE_KEY", STRIPE);
    Environment staging = store.ensureEnvironment("acme", "staging");
    secrets.envVars().set(staging, "GITHUB_TOKEN", GITHUB);
    String endpointId =
        endpoint(staging, secrets.webhookSeal().seal(staging.id(), "we_x", 1, "whsec"));
    byte[] callbackKey = new byte[32];
    callbackKey[0] = 42;
    String sealedCallbackKey =
        store.setting(CallbackKeySeal.SETTING, () -> secrets.callbackKeys().seal(callbackKey));
    String before = stored(env, "STRIPE_KEY");

    MasterKey next = MasterKey.generate();
    assertThatThrownBy(() -> MasterKeyRotation.rotate(store, MasterKey.generate(), next))
        .isInstanceOf(MasterKeyMismatchException.class);
    assertThat(sealed.findDataKey(env.id()).orElseThrow().masterKeyFingerprint())
        .isEqualTo(master.fingerprint());

    assertThat(MasterKeyRotation.rotate(store, master, next)).isEqualTo(2);
    assertThat(stored(env, "STRIPE_KEY")).as("values are not re-encrypted").isEqualTo(before);
    assertThat(readWith(next)).containsEntry("STRIPE_KEY", STRIPE);
    Secrets rotated = new Secrets(store, next);
    rotated.start();
    assertThat(rotated.envVars().snapshot(staging).values()).containsEntry("GITHUB_TOKEN", GITHUB);
    String webhookSecret =
        store.webhooks().findEndpoint(endpointId).orElseThrow().secrets().getFirst().value();
    assertThat(rotated.webhookSeal().open(staging.id(), "we_x", 1, webhookSecret))
        .isEqualTo("whsec");
    String rewrappedCallbackKey = sealed.findSetting(CallbackKeySeal.SETTING).orElseThrow();
    assertThat(rewrappedCallbackKey).startsWith("enc:v1:").isNotEqualTo(sealedCallbackKey);
    assertThat(rotated.callbackKeys().open(rewrappedCallbackKey)).isEqualTo(callbackKey);
    assertThatThrownBy(() -> secrets.callbackKeys().open(rewrappedCallbackKey))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the waitpoint callback key failed to decrypt");
    assertThatThrownBy(() -> new Secrets(store, master).start())
        .isInstanceOf(MasterKeyMismatchException.class);
    assertThatThrownBy(() -> MasterKeyRotation.rotate(store, next, next))
        .hasMessageContaining("the new master key is the old one");
  }

  @Test
  void aRotationCanBeRunAgainAndFinishesWhatANodeWithTheOldKeyAddedMeanwhile() {
    secrets.envVars().set(env, "STRIPE_KEY", STRIPE);
    store.setting(CallbackKeySeal.SETTING, () -> secrets.callbackKeys().seal(new byte[32]));
    MasterKey next = MasterKey.generate();
    assertThat(MasterKeyRotation.rotate(store, master, next)).isEqualTo(1);
    // a node still running with the old key creates a data key after the rotation committed
    Environment late = store.ensureEnvironment("acme", "late");
    secrets.envVars().set(late, "GITHUB_TOKEN", GITHUB);
    assertThatThrownBy(() -> new Secrets(store, next).start())
        .isInstanceOf(MasterKeyMismatchException.class);

    assertThat(MasterKeyRotation.rotate(store, master, next)).isEqualTo(1);
    assertThat(MasterKeyRotation.rotate(store, master, next)).as("nothing left").isZero();
    Secrets rotated = new Secrets(store, next);
    rotated.start();
    assertThat(rotated.envVars().snapshot(env).values()).containsEntry("STRIPE_KEY", STRIPE);
    assertThat(rotated.envVars().snapshot(late).values()).containsEntry("GITHUB_TOKEN", GITHUB);
    assertThat(
            rotated.callbackKeys().open(sealed.findSetting(CallbackKeySeal.SETTING).orElseThrow()))
        .isEqualTo(new byte[32]);
    assertThat(sealed.listDataKeys())
        .extracting(DataKeyRecord::masterKeyFingerprint)
        .containsOnly(next.fingerprint());
  }

  @Test
  void webhookSecretsStoredInClearAreSealedAtStartAndRefusedAfter() {
    String id = endpoint(env, "legacy-secret-in-clear");
    assertThatThrownBy(() -> secrets.webhookSeal().open(env.id(), id, 1, "legacy-secret-in-clear"))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining(
            "the signing secret v1 of webhook endpoint " + id + " is stored in clear")
        .hasMessageNotContaining("legacy-secret-in-clear");
    new Secrets(store, master).start();
    String stored = store.webhooks().findEndpoint(id).orElseThrow().secrets().getFirst().value();
    assertThat(stored).startsWith("enc:v1:").doesNotContain("legacy-secret-in-clear");
    assertThat(secrets.webhookSeal().open(env.id(), id, 1, stored))
        .isEqualTo("legacy-secret-in-clear");
    assertThatThrownBy(() -> secrets.webhookSeal().open(env.id(), "we_other", 1, stored))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the signing secret v1 of webhook endpoint we_other");
  }

  @Test
  void aWebhookSecretIsBoundToItsVersion() {
    String id = endpoint(env, secrets.webhookSeal().seal(env.id(), "we_pending", 1, "old"));
    String v1 = secrets.webhookSeal().seal(env.id(), id, 1, "old-secret");
    store
        .webhooks()
        .rotateSecret(env.id(), id, secrets.webhookSeal().sealer(env.id(), id, "new-secret"), 0)
        .orElseThrow();
    WebhookEndpointRecord.Secret current =
        store.webhooks().findEndpoint(id).orElseThrow().secrets().getFirst();
    assertThat(current.version()).isEqualTo(2);
    assertThat(secrets.webhookSeal().open(env.id(), id, 2, current.value()))
        .isEqualTo("new-secret");
    // an old version's ciphertext copied over the current one does not open
    assertThatThrownBy(() -> secrets.webhookSeal().open(env.id(), id, 2, v1))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the signing secret v2 of webhook endpoint " + id + " failed");
    assertThat(secrets.webhookSeal().open(env.id(), id, 1, v1)).isEqualTo("old-secret");
  }

  @Test
  void aCallbackKeyStoredInClearIsSealedAtStartAndRefusedAfter() {
    byte[] key = new byte[32];
    key[31] = 7;
    String clear = Base64.getEncoder().encodeToString(key);
    store.setting(CallbackKeySeal.SETTING, () -> clear);
    assertThatThrownBy(() -> secrets.callbackKeys().open(clear))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the waitpoint callback key (server setting waitpoint_callback_key)")
        .hasMessageNotContaining(clear);
    new Secrets(store, master).start();
    String stored = sealed.findSetting(CallbackKeySeal.SETTING).orElseThrow();
    assertThat(stored).startsWith("enc:v1:").doesNotContain(clear);
    assertThat(secrets.callbackKeys().open(stored)).isEqualTo(key);
    // a server with another master key does not start (no data key yet to tell it)
    assertThatThrownBy(() -> new Secrets(store, MasterKey.generate()).start())
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("the waitpoint callback key failed to decrypt");
  }

  @Test
  void namesAndValuesAreChecked() {
    EnvVars vars = secrets.envVars();
    assertThatThrownBy(() -> vars.set(env, "lower", "value"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[A-Z_][A-Z0-9_]*");
    assertThatThrownBy(() -> vars.set(env, "9LIVES", "value"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vars.set(env, "A".repeat(129), "value"))
        .hasMessageContaining("at most 128 characters");
    assertThatThrownBy(() -> vars.set(env, "BIG", "x".repeat(EnvVars.MAX_VALUE_BYTES + 1)))
        .hasMessageContaining("at most 65536 bytes");
    assertThat(vars.set(env, "EMPTY_OK", "")).isTrue();
    assertThat(vars.snapshot(env).values()).containsEntry("EMPTY_OK", "");
  }

  private String endpoint(Environment e, String secret) {
    String id = "we_" + UUID.randomUUID().toString().replace("-", "");
    store
        .webhooks()
        .createEndpoint(
            new WebhookEndpointRecord(
                id,
                e.id(),
                "hook-" + id,
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
            secret)
        .orElseThrow();
    return id;
  }
}
