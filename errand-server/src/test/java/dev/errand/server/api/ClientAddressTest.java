package dev.errand.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    ClientAddress address = new ClientAddress(Set.of());
    assertThat(address.of("198.51.100.1", "203.0.113.9")).isEqualTo("198.51.100.1");
    assertThat(address.of("198.51.100.1", null)).isEqualTo("198.51.100.1");
  }

  @Test
  void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
    ClientAddress address = new ClientAddress(Set.of("10.0.0.5", "10.0.0.6"));
    assertThat(address.of("10.0.0.5", "203.0.113.9")).isEqualTo("203.0.113.9");
    // the client may send any left-most value: only the hop the proxy appended counts
    assertThat(address.of("10.0.0.5", "1.2.3.4, 203.0.113.9")).isEqualTo("203.0.113.9");
    // a chain of trusted proxies is skipped
    assertThat(address.of("10.0.0.5", "203.0.113.9, 10.0.0.6")).isEqualTo("203.0.113.9");
    assertThat(address.of("10.0.0.5", "10.0.0.6")).isEqualTo("10.0.0.5");
  }

  @Test
  void anUntrustedPeerOrAMalformedHeaderKeepsThePeer() {
    ClientAddress address = new ClientAddress(Set.of("10.0.0.5"));
    assertThat(address.of("198.51.100.1", "203.0.113.9")).isEqualTo("198.51.100.1");
    assertThat(address.of("10.0.0.5", "203.0.113.9,,")).isEqualTo("10.0.0.5");
    assertThat(address.of("10.0.0.5", "x".repeat(100))).isEqualTo("10.0.0.5");
    assertThat(address.of("10.0.0.5", "a\u0000b")).isEqualTo("10.0.0.5");
  }
}
