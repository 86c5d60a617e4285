package dev.errand.sdk.internal.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.sdk.OutboundPolicy.Rule;
import dev.errand.sdk.OutboundRefusedException;
import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Reading a request's host and port the way a resolver would, and the URI actually sent. */
class TargetTest {

  private static Target of(String uri) {
    return Target.of(URI.create(uri));
  }

  @Test
  void readsNamesLiteralsAndPorts() throws Exception {
    Target name = of("HTTP://Example.COM./a/b?c=d#frag");
    assertThat(name.host()).isEqualTo("example.com");
    assertThat(name.port()).isEqualTo(80);
    assertThat(name.isLiteral()).isFalse();
    assertThat(name.wireUri()).hasToString("http://example.com/a/b?c=d");

    Target decimal = of("https://2130706433:8443/x");
    assertThat(decimal.host()).isEqualTo("2130706433");
    assertThat(decimal.port()).isEqualTo(8443);
    assertThat(decimal.literals()).containsExactly(InetAddress.getByName("127.0.0.1"));
    assertThat(decimal.wireUri()).hasToString("https://127.0.0.1:8443/x");

    Target v6 = of("http://[::1]/");
    assertThat(v6.literals()).containsExactly(InetAddress.getByName("::1"));
    assertThat(v6.wireUri().getHost()).isEqualTo("[0:0:0:0:0:0:0:1]");
    assertThat(of("http://[::ffff:10.0.0.1]:81/").wireUri()).hasToString("http://10.0.0.1:81/");
    assertThat(of("http://bücher.example/").host()).isEqualTo("xn--bcher-kva.example");
  }

  @Test
  void refusesOtherSchemesAndRejectsUnusableHosts() {
    assertThatThrownBy(() -> of("file:///etc/passwd"))
        .isInstanceOfSatisfying(
            OutboundRefusedException.class, e -> assertThat(e.rule()).isEqualTo(Rule.SCHEME));
    for (String bad :
        new String[] {
          "http://1.2.3.4.5/",
          "http://08.0.0.1/",
          "http://user@example.com/",
          "http://example.com:0/",
          "http:///path",
          "http://a..b/",
          "http://under_score.example/",
          "http://%31%32%37.0.0.1/"
        }) {
      assertThatThrownBy(() -> of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theRouteKeyOfTheWireUriIsTheKeyTheProxySelectorAndTunnelUse() {
    Target t = of("https://[0:0::1]:8443/");
    assertThat(t.routeKey()).isEqualTo(Routes.key("[::1]", 8443));
    assertThat(of("http://API.Example.com./").routeKey())
        .isEqualTo(Routes.key("api.example.com", 80));
  }
}
