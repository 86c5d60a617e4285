package dev.errand.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.server.store.jdbc.PostgresUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL, in a fresh database for the class (see {@link TestDatabases});
 * skipped when no server answers, unless {@code CI=true}.
 */
class PostgresStoreTest extends StoreContractTest {

  /** Small pools: several test JVMs may share one server. */
  static final int POOL_SIZE = 4;

  /** The class's database, created by the first test (so each test reports a skip). */
  static String url;

  @Override
  Store open() {
    if (url == null) {
      url = TestDatabases.freshPostgresUrl();
    }
    return Stores.postgres(url, POOL_SIZE);
  }

  @Test
  void sessionsRunInTheJvmTimeZoneNotUtc() throws Exception {
    try (Connection connection = TestDatabases.connect(PostgresUrl.parse(url));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW TimeZone")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(TimeZone.getDefault().getID()).isNotEqualTo("UTC");
    }
  }

  @Test
  void acceptsEveryUrlForm() {
    PostgresUrl parsed = PostgresUrl.parse(url);
    String jdbc =
        "jdbc:postgresql://" + parsed.hosts() + "/" + parsed.database() + "?user=" + parsed.user();
    String postgres = url.replaceFirst("^postgresql://", "postgres://");
    for (String form : new String[] {jdbc, postgres}) {
      try (Store other = Stores.postgres(form, 1)) {
        assertThat(other.findRun(env.id(), TestIds.next())).isEmpty();
      }
    }
  }

  @Test
  void unreachableServerFailsWithoutShowingThePassword() {
    // Needs no server; runs in the class only because it is about Stores.postgres.
    assertThatThrownBy(() -> Stores.postgres("postgresql://errand:s3cret@127.0.0.1:1/nowhere", 1))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageNotContaining("s3cret");
  }
}
