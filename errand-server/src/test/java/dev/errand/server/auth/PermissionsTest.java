package dev.errand.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PermissionsTest {
  @Test
  void eachRouteFamilyNeedsItsPermission() {
    assertThat(Permissions.required("POST", "/api/v1/tasks/send-email/trigger"))
        .isEqualTo(Permission.TRIGGER);
    assertThat(Permissions.required("POST", "/api/v1/tasks/send-email/batch"))
        .isEqualTo(Permission.TRIGGER);
    assertThat(Permissions.required("GET", "/api/v1/runs")).isEqualTo(Permission.LIST_RUNS);
    assertThat(Permissions.required("GET", "/api/v1/runs/run_1")).isEqualTo(Permission.READ_RUN);
    assertThat(Permissions.required("HEAD", "/api/v1/runs/run_1")).isEqualTo(Permission.READ_RUN);
    assertThat(Permissions.required("POST", "/api/v1/runs/run_1/cancel"))
        .isEqualTo(Permission.MANAGE);
    assertThat(Permissions.required("POST", "/api/v1/workers/claim")).isEqualTo(Permission.WORK);
    assertThat(Permissions.required("POST", "/api/v1/waitpoints/tokens/wp_1/complete"))
        .isEqualTo(Permission.WAITPOINTS);
    assertThat(Permissions.required("GET", "/api/v1/waitpoints/tokens/wp_1"))
        .isEqualTo(Permission.READ);
    assertThat(Permissions.required("GET", "/api/v1/audit")).isEqualTo(Permission.READ);
    assertThat(Permissions.required("GET", "/api/v1/envvars/prod")).isEqualTo(Permission.READ);
    assertThat(Permissions.required("GET", "/api/v1/envvars/prod/KEY"))
        .isEqualTo(Permission.MANAGE);
    assertThat(Permissions.required("POST", "/api/v1/queues/q/pause")).isEqualTo(Permission.MANAGE);
    assertThat(Permissions.required("GET", "/api/v1/something-new")).isEqualTo(Permission.MANAGE);
    assertThat(Permissions.required("GET", "/api/v2/runs")).isEqualTo(Permission.MANAGE);
  }

  @Test
  void theTypesGrantWhatTheDocsSay() {
    assertThat(KeyType.granting(Permission.MANAGE)).containsExactly(KeyType.ADMIN);
    assertThat(KeyType.granting(Permission.TRIGGER))
        .containsExactly(KeyType.TRIGGER_ONLY, KeyType.WORKER, KeyType.ADMIN);
    assertThat(KeyType.granting(Permission.READ)).containsExactly(KeyType.READ_ONLY, KeyType.ADMIN);
    assertThat(KeyType.granting(Permission.WORK)).containsExactly(KeyType.WORKER, KeyType.ADMIN);
    assertThat(KeyType.of("Trigger-Only")).contains(KeyType.TRIGGER_ONLY);
    assertThat(KeyType.of("root")).isEmpty();
  }

  @Test
  void keysCarryTheirEnvironmentAndAChecksum() {
    String key = SecretKeys.generate("prod");
    assertThat(key).startsWith("ek_prod_");
    assertThat(dev.errand.sdk.ApiKeys.looksValid(key)).isTrue();
    assertThat(SecretKeys.generate("Old_Env")).startsWith("ek_old-env_");
    assertThat(dev.errand.sdk.ApiKeys.looksValid(SecretKeys.generate("Old_Env"))).isTrue();
    assertThat(SecretKeys.lastFour(key)).isEqualTo(key.substring(key.length() - 4));
  }

  @Test
  void theAdminTokenIsComparedByHashAndMasked() {
    AdminToken token = AdminToken.of("0123456789abcdef-token");
    assertThat(token.matches("0123456789abcdef-token")).isTrue();
    assertThat(token.matches("0123456789abcdef-tokem")).isFalse();
    assertThat(token.matches(null)).isFalse();
    assertThat(token.toString()).doesNotContain("0123");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminToken.of("short"))
        .hasMessageContaining("at least 16 characters");
    assertThat(AdminToken.generate()).startsWith("eadm_").hasSize(32);
  }
}
