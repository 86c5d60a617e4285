package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.ApiKeys;
import dev.errand.sdk.internal.Json;
import dev.errand.server.ErrandServer;
import dev.errand.server.auth.Authenticator;
import dev.errand.server.auth.SecretKeys;
import dev.errand.server.store.Stores;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API end to end: projects with their environments, and API keys created (shown once),
 * listed, used, expired and revoked, on one node and seen from a second one.
 */
abstract class ApiKeyTest extends ServerTestBase {
  Access access;

  @BeforeEach
  void access() {
    access = new Access(server.localUrl());
  }

  @Test
  void aNewProjectHasDevStagingAndProdAndIsListed() throws Exception {
    JsonNode created = access.createProject("acme");
    assertThat(created.path("slug").asText()).isEqualTo("acme");
    assertThat(created.path("environments"))
        .extracting(JsonNode::asText)
        .containsExactly("dev", "staging", "prod");
    JsonNode projects =
        access.expect(200, "GET", "/api/v1/admin/projects", null, ADMIN_TOKEN).path("data");
    assertThat(projects).extracting(p -> p.path("slug").asText()).contains("acme", "default");
    access.expect(
        201, "POST", "/api/v1/admin/projects/acme/environments", "{\"slug\": \"qa\"}", ADMIN_TOKEN);
    JsonNode envs =
        access
            .expect(200, "GET", "/api/v1/admin/projects/acme/environments", null, ADMIN_TOKEN)
            .path("data");
    assertThat(envs)
        .extracting(e -> e.path("slug").asText())
        .containsExactlyInAnyOrder("dev", "staging", "prod", "qa");
    expectError(
        access.call("POST", "/api/v1/admin/projects", "{\"slug\": \"acme\"}", ADMIN_TOKEN),
        409,
        "project_exists");
    expectError(
        access.call("POST", "/api/v1/admin/projects", "{\"slug\": \"Not A Slug\"}", ADMIN_TOKEN),
        400,
        "invalid_request");
    expectError(
        access.call("GET", "/api/v1/admin/projects/nope/environments", null, ADMIN_TOKEN),
        404,
        "project_not_found");
  }

  @Test
  void aKeyIsShownOnceListedWithoutItsSecretUsedAndRevoked() throws Exception {
    access.createProject("acme");
    JsonNode created = access.createKey("acme", "prod", "ci-deploy", "trigger-only");
    String key = created.path("key").asText();
    assertThat(key).startsWith("ek_prod_");
    assertThat(ApiKeys.looksValid(key)).isTrue();
    assertThat(created.path("lastFour").asText()).isEqualTo(key.substring(key.length() - 4));
    assertThat(created.path("type").asText()).isEqualTo("trigger-only");
    assertThat(created.path("status").asText()).isEqualTo("active");
    assertThat(created.path("createdBy").asText()).isEqualTo("admin-token");
    assertThat(created.path("lastUsedAt").isNull()).isTrue();

    HttpResponse<String> listed =
        access.call("GET", Access.keysPath("acme", "prod"), null, ADMIN_TOKEN);
    assertThat(listed.body()).doesNotContain(key).doesNotContain(key.substring(8, 40));
    JsonNode listedKey = Json.mapper().readTree(listed.body()).path("data").path(0);
    assertThat(listedKey.has("key")).isFalse();
    assertThat(listedKey.path("name").asText()).isEqualTo("ci-deploy");
    assertThat(listedKey.path("lastFour").asText()).isEqualTo(key.substring(key.length() - 4));
    assertThat(listedKey.path("createdAt").asText()).isNotBlank();
    assertThat(listedKey.path("expiresAt").isNull()).isTrue();
    assertThat(listedKey.path("lastUsedAt").isNull()).isTrue();

    // used (a trigger-only key may read a run by id: there is none): its last use is recorded
    access.expect(404, "GET", "/api/v1/runs/" + UUID.randomUUID(), null, key);
    JsonNode used =
        access.expect(
            200, "GET", Access.keysPath("acme", "prod") + "/ci-deploy", null, ADMIN_TOKEN);
    assertThat(used.path("lastUsedAt").asText()).isNotBlank();
    // used again at once: no second write (at most one a minute per key and node)
    access.expect(404, "GET", "/api/v1/runs/" + UUID.randomUUID(), null, key);
    assertThat(
            access
                .expect(
                    200, "GET", Access.keysPath("acme", "prod") + "/ci-deploy", null, ADMIN_TOKEN)
                .path("lastUsedAt")
                .asText())
        .isEqualTo(used.path("lastUsedAt").asText());

    // the name is taken while the key lives
    expectError(
        access.call(
            "POST",
            Access.keysPath("acme", "prod"),
            "{\"name\": \"ci-deploy\", \"type\": \"admin\"}",
            ADMIN_TOKEN),
        409,
        "key_name_taken");

    JsonNode revoked =
        access.expect(
            200, "POST", Access.keysPath("acme", "prod") + "/ci-deploy/revoke", null, ADMIN_TOKEN);
    assertThat(revoked.path("status").asText()).isEqualTo("revoked");
    assertThat(revoked.path("revokedAt").asText()).isNotBlank();
    expectError(
        access.call("GET", "/api/v1/runs/" + UUID.randomUUID(), null, key), 401, "unauthorized");
    // the name is free again
    access.createKey("acme", "prod", "ci-deploy", "trigger-only");

    // the admin API's key actions are in the key's environment's audit log, by the admin token
    String owner = access.newKey("acme", "prod", "owner", "admin");
    JsonNode rows =
        access
            .expect(
                200, "GET", "/api/v1/audit?targetId=" + created.path("id").asText(), null, owner)
            .path("data");
    assertThat(rows)
        .extracting(r -> r.path("action").asText())
        .containsExactly("api_key.revoked", "api_key.created");
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.path("actor").path("type").asText()).isEqualTo("admin");
              assertThat(r.path("actor").path("name").asText()).isEqualTo("admin-token");
              assertThat(r.toString()).doesNotContain(key);
            });
    assertThat(
            access
                .expect(200, "GET", Access.keysPath("acme", "prod"), null, ADMIN_TOKEN)
                .path("data"))
        .extracting(k -> k.path("status").asText())
        .containsExactlyInAnyOrder("active", "active", "revoked"); // ci-deploy twice, owner
  }

  @Test
  void aKeyRevokedOnOneNodeIsRefusedByTheOtherWithinTheCacheBound() throws Exception {
    access.createProject("acme");
    String key = access.newKey("acme", "prod", "worker-1", "worker");
    Access other = new Access(otherNode().localUrl());
    other.expect(200, "GET", "/api/v1/runs", null, key); // now cached on the other node

    access.expect(
        200, "POST", Access.keysPath("acme", "prod") + "/worker-1/revoke", null, ADMIN_TOKEN);
    Instant revokedAt = Instant.now();
    await()
        .atMost(Authenticator.CACHE_TTL.plusMillis(500))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> other.call("GET", "/api/v1/runs", null, key).statusCode() == 401);
    assertThat(Duration.between(revokedAt, Instant.now()))
        .isLessThanOrEqualTo(Authenticator.CACHE_TTL.plusMillis(500));
    expectError(other.call("GET", "/api/v1/runs", null, key), 401, "unauthorized");
  }

  @Test
  void anExpiredKeyIsRefused() throws Exception {
    access.createProject("acme");
    Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    JsonNode created =
        access.expect(
            201,
            "POST",
            Access.keysPath("acme", "staging"),
            "{\"name\": \"short\", \"type\": \"read-only\", \"expiresAt\": \"" + expiresAt + "\"}",
            ADMIN_TOKEN);
    String key = created.path("key").asText();
    assertThat(Instant.parse(created.path("expiresAt").asText())).isEqualTo(expiresAt);
    access.expect(200, "GET", "/api/v1/runs", null, key);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> access.call("GET", "/api/v1/runs", null, key).statusCode() == 401);
    HttpResponse<String> refused = access.call("GET", "/api/v1/runs", null, key);
    expectError(refused, 401, "unauthorized");
    assertThat(refused.body()).contains("expired");
    assertThat(
            access
                .expect(
                    200, "GET", Access.keysPath("acme", "staging") + "/short", null, ADMIN_TOKEN)
                .path("status")
                .asText())
        .isEqualTo("expired");
  }

  @Test
  void badKeyRequestsAreRefusedWithReasons() throws Exception {
    access.createProject("acme");
    String path = Access.keysPath("acme", "prod");
    expectError(
        access.call("POST", path, "{\"name\": \"x\", \"type\": \"superuser\"}", ADMIN_TOKEN),
        400,
        "invalid_request");
    expectError(
        access.call("POST", path, "{\"name\": \"bad name!\", \"type\": \"admin\"}", ADMIN_TOKEN),
        400,
        "invalid_request");
    expectError(
        access.call(
            "POST",
            path,
            "{\"name\": \"old\", \"type\": \"admin\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}",
            ADMIN_TOKEN),
        400,
        "invalid_request");
    expectError(
        access.call(
            "POST",
            path,
            "{\"name\": \"x\", \"type\": \"admin\", \"expiresAt\": \"tomorrow\"}",
            ADMIN_TOKEN),
        400,
        "invalid_request");
    expectError(
        access.call(
            "POST",
            Access.keysPath("acme", "nope"),
            "{\"name\": \"x\", \"type\": \"admin\"}",
            ADMIN_TOKEN),
        404,
        "environment_not_found");
    expectError(
        access.call("POST", path + "/nope/revoke", null, ADMIN_TOKEN), 404, "key_not_found");
  }

  @Test
  void theAdminApiTakesOnlyTheAdminToken() throws Exception {
    expectError(access.call("GET", "/api/v1/admin/projects", null, null), 401, "unauthorized");
    expectError(
        access.call("GET", "/api/v1/admin/projects", null, "wrong-token-0123456789"),
        401,
        "unauthorized");
    // the bootstrap key is an admin key of its environment, not the admin token
    expectError(access.call("GET", "/api/v1/admin/projects", null, secretKey), 401, "unauthorized");
    // and an admin token is no API key
    expectError(access.call("GET", "/api/v1/runs", null, ADMIN_TOKEN), 401, "unauthorized");
  }

  @Test
  void withoutAnAdminTokenTheAdminApiIsOff() throws Exception {
    try (ErrandServer plain =
        ErrandServer.builder()
            .store(Stores.embedded(tempDir.resolve("plain")))
            .masterKey(MASTER_KEY)
            .host("127.0.0.1")
            .port(0)
            .build()) {
      plain.start();
      HttpResponse<String> off =
          new Access(plain.localUrl()).call("GET", "/api/v1/admin/projects", null, ADMIN_TOKEN);
      expectError(off, 403, "admin_api_disabled");
      assertThat(off.body()).contains("ERRAND_ADMIN_TOKEN");
    }
  }

  @Test
  void keysOfTheOlderFormatKeepWorking() throws Exception {
    String legacy = "sk_test_abcdefghijklmnopqrstuvwxyz234567";
    server.bootstrap("default", "test", legacy);
    access.expect(200, "GET", "/api/v1/runs", null, legacy);
    String chosen = "an-operator-chose-this-key";
    server.bootstrap("default", "test", chosen);
    access.expect(200, "GET", "/api/v1/queues", null, chosen);
    JsonNode keys =
        access
            .expect(200, "GET", Access.keysPath("default", "test"), null, ADMIN_TOKEN)
            .path("data");
    assertThat(keys)
        .filteredOn(
            k ->
                k.path("name")
                    .asText()
                    .equals("bootstrap-" + SecretKeys.hash(legacy).substring(0, 8)))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.path("type").asText()).isEqualTo("admin");
              assertThat(k.path("lastFour").asText()).isEqualTo("4567");
            });
  }
}
