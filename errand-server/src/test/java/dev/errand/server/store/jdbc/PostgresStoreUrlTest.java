package dev.errand.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresStoreUrlTest {

  @Test
  void readsUserPasswordHostsDatabaseAndParameters() {
    PostgresUrl url =
        PostgresUrl.parse(
            "postgresql://app:p%40ss%3Aw0rd@db.example:6543/errand"
                + "?sslmode=require&connectTimeout=5");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("p@ss:w0rd");
    assertThat(url.hosts()).isEqualTo("db.example:6543");
    assertThat(url.database()).isEqualTo("errand");
    assertThat(url.parameters())
        .containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "require", "connectTimeout", "5"));
    assertThat(url.jdbcUrl())
        .startsWith("jdbc:postgresql://db.example:6543/errand?")
        .contains(
            "sslmode=require",
            "connectTimeout=5",
            "reWriteBatchedInserts=true",
            "ApplicationName=errand")
        .doesNotContain("p%40ss", "app");
    assertThat(PostgresUrl.parse(url.toUri())).isEqualTo(url);
    assertThat(url.toString()).doesNotContain("p%40ss").contains("app:***@");
  }

  @Test
  void acceptsThePostgresAndJdbcSchemes() {
    assertThat(PostgresUrl.parse("postgres://u@localhost/db").withDatabase("x"))
        .isEqualTo(new PostgresUrl("localhost", "x", Map.of(), "u", null));
    PostgresUrl jdbc =
        PostgresUrl.parse(
            "jdbc:postgresql://h1:5432,h2:5433/db?user=u&password=pw&targetServerType=primary");
    assertThat(jdbc.user()).isEqualTo("u");
    assertThat(jdbc.password()).isEqualTo("pw");
    assertThat(jdbc.hosts()).isEqualTo("h1:5432,h2:5433");
    assertThat(jdbc.parameters()).isEqualTo(Map.of("targetServerType", "primary"));
    assertThat(
            PostgresUrl.parse("jdbc:postgresql://[::1]:5432/db?reWriteBatchedInserts=false")
                .jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://[::1]:5432/db?reWriteBatchedInserts=false&ApplicationName=errand");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mysql://u:secret@host/db",
        "postgresql://u:secret@/db",
        "postgresql://u:secret@host:99999/db",
        "postgresql://u:secret@host:port/db",
        "postgresql://u:secret@host",
        "postgresql://u:secret@host/",
        "postgresql://u:secret@host/db?password=secret&novalue",
        "postgresql://u:secret@host/db%zz",
        ""
      })
  void rejectsBadUrlsNamingTheRuleWithoutThePassword(String bad) {
    assertThatThrownBy(() -> PostgresUrl.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(PostgresUrl.RULE)
        .hasMessageNotContaining("secret");
  }

  @Test
  void masksPasswordsInUserInfoAndParameters() {
    assertThat(PostgresUrl.mask("postgresql://u:secret@h/db?x=1&password=secret"))
        .isEqualTo("postgresql://u:***@h/db?x=1&password=***");
    assertThat(PostgresUrl.mask("postgresql://u@h/db")).isEqualTo("postgresql://u@h/db");
  }
}
