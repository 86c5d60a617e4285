package dev.errand.sdk.internal.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IPv4 literals read the way the C library's inet_aton reads them. */
class Ipv4LiteralsTest {

  private static List<String> readings(String host) {
    return Ipv4Literals.readings(host).stream().map(InetAddress::getHostAddress).toList();
  }

  @Test
  void readsEveryFormTheCLibraryAccepts() {
    assertThat(readings("127.0.0.1")).containsExactly("127.0.0.1");
    assertThat(readings("2130706433")).containsExactly("127.0.0.1");
    assertThat(readings("0x7f000001")).containsExactly("127.0.0.1");
    assertThat(readings("0X7F000001")).containsExactly("127.0.0.1");
    assertThat(readings("127.1")).containsExactly("127.0.0.1");
    assertThat(readings("127.0.1")).containsExactly("127.0.0.1");
    assertThat(readings("0x7f.1")).containsExactly("127.0.0.1");
    assertThat(readings("0")).containsExactly("0.0.0.0");
    assertThat(readings("169.254.43518")).containsExactly("169.254.169.254");
    assertThat(readings("0xa9fea9fe")).containsExactly("169.254.169.254");
    assertThat(readings("4294967295")).containsExactly("255.255.255.255");
  }

  @Test
  void aLeadingZeroHasBothReadings() {
    assertThat(readings("0177.0.0.1")).containsExactly("127.0.0.1", "177.0.0.1");
    assertThat(readings("010.0.0.1")).containsExactly("8.0.0.1", "10.0.0.1");
    assertThat(readings("00.0.0.0")).containsExactly("0.0.0.0");
  }

  @Test
  void refusesWhatIsNotALiteral() {
    for (String bad :
        List.of(
            "4294967296",
            "256.0.0.1",
            "1.2.3.4.5",
            "1..2",
            "08.0.0.1",
            "0x",
            "0x1g",
            "1.2.3.256",
            "",
            "1.2.65536")) {
      assertThat(Ipv4Literals.readings(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void canonicalIsFourDecimalPartsOnly() {
    assertThat(Ipv4Literals.canonical("10.0.0.1")).isNotNull();
    assertThat(Ipv4Literals.canonical("010.0.0.1")).isNull();
    assertThat(Ipv4Literals.canonical("10.1")).isNull();
    assertThat(Ipv4Literals.canonical("0x0a.0.0.1")).isNull();
  }
}
