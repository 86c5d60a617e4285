package dev.errand.sdk.internal.outbound;

import dev.errand.sdk.OutboundPolicy.Rule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The addresses a task may not reach unless allowed: the default deny table, from the IANA special
 * purpose registries, and the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
 * 6to4), which are judged by the address they carry.
 */
public final class AddressRules {
  private AddressRules() {}

  /**
   * Why an address is refused.
   *
   * @param rule the rule it broke
   * @param range the range it is in, such as {@code 127.0.0.0/8}
   * @param embedded the IPv4 address an IPv6 form carries, when the refusal is about that one
   * @param form the IPv6 form that carried it ({@code IPv4-mapped}, {@code NAT64}, ...), or null
   */
  public record Refusal(Rule rule, String range, InetAddress embedded, String form) {}

  private record Range(Cidr cidr, Rule rule) {}

  private record Carrier(Cidr cidr, int from, String form) {}

  private static final List<Range> V4 =
      List.of(
          range("169.254.169.254/32", Rule.CLOUD_METADATA), // AWS, GCP, Azure, OpenStack, OCI
          range("100.100.100.200/32", Rule.CLOUD_METADATA), // Alibaba Cloud
          range("0.0.0.0/32", Rule.UNSPECIFIED),
          range("0.0.0.0/8", Rule.RESERVED), // "this network"
          range("127.0.0.0/8", Rule.LOOPBACK),
          range("10.0.0.0/8", Rule.PRIVATE),
          range("172.16.0.0/12", Rule.PRIVATE),
          range("192.168.0.0/16", Rule.PRIVATE),
          range("169.254.0.0/16", Rule.LINK_LOCAL),
          range("100.64.0.0/10", Rule.CGNAT),
          range("192.0.0.0/24", Rule.RESERVED), // IETF protocol assignments
          range("192.0.2.0/24", Rule.RESERVED), // documentation
          range("192.88.99.0/24", Rule.RESERVED), // 6to4 relay anycast
          range("198.18.0.0/15", Rule.RESERVED), // benchmarking
          range("198.51.100.0/24", Rule.RESERVED), // documentation
          range("203.0.113.0/24", Rule.RESERVED), // documentation
          range("224.0.0.0/4", Rule.MULTICAST),
          range("255.255.255.255/32", Rule.BROADCAST),
          range("240.0.0.0/4", Rule.RESERVED));

  private static final List<Range> V6 =
      List.of(
          range("fd00:ec2::254/128", Rule.CLOUD_METADATA), // AWS over IPv6
          range("::/128", Rule.UNSPECIFIED),
          range("::1/128", Rule.LOOPBACK),
          range("64:ff9b:1::/48", Rule.PRIVATE), // local-use NAT64
          range("100::/64", Rule.RESERVED), // discard-only
          range("2001:db8::/32", Rule.RESERVED), // documentation
          range("2001::/23", Rule.RESERVED), // IETF protocol assignments, Teredo
          range("3fff::/20", Rule.RESERVED), // documentation
          range("fc00::/7", Rule.PRIVATE), // unique local
          range("fec0::/10", Rule.PRIVATE), // site-local (deprecated)
          range("fe80::/10", Rule.LINK_LOCAL),
          range("ff00::/8", Rule.MULTICAST));

  /** IPv6 ranges whose addresses carry an IPv4 address at byte {@code from}. */
  private static final List<Carrier> CARRIERS =
      List.of(
          new Carrier(Cidr.parse("::ffff:0:0/96"), 12, "IPv4-mapped"),
          new Carrier(Cidr.parse("::ffff:0:0:0/96"), 12, "IPv4-translated"),
          new Carrier(Cidr.parse("64:ff9b::/96"), 12, "NAT64"),
          new Carrier(Cidr.parse("::/96"), 12, "IPv4-compatible"),
          new Carrier(Cidr.parse("2002::/16"), 2, "6to4"));

  private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

  private static Range range(String cidr, Rule rule) {
    return new Range(Cidr.parse(cidr), rule);
  }

  /** Why the default rules refuse {@code address}, or empty when they let it through. */
  public static Optional<Refusal> check(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? checkV4(b, null, null) : checkV6(b);
  }

  private static Optional<Refusal> checkV4(byte[] b, InetAddress embedded, String form) {
    for (Range r : V4) {
      if (r.cidr().contains(b)) {
        return Optional.of(new Refusal(r.rule(), r.cidr().toString(), embedded, form));
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> checkV6(byte[] b) {
    for (int i = 0; i < 3; i++) { // metadata, unspecified, loopback: before ::/96 below
      if (V6.get(i).cidr().contains(b)) {
        return Optional.of(new Refusal(V6.get(i).rule(), V6.get(i).cidr().toString(), null, null));
      }
    }
    for (Carrier c : CARRIERS) {
      if (c.cidr().contains(b)) {
        byte[] v4 = Arrays.copyOfRange(b, c.from(), c.from() + 4);
        return checkV4(v4, v4Address(v4), c.form());
      }
    }
    for (Range r : V6) {
      if (r.cidr().contains(b)) {
        return Optional.of(new Refusal(r.rule(), r.cidr().toString(), null, null));
      }
    }
    if (!GLOBAL_UNICAST.contains(b)) {
      return Optional.of(new Refusal(Rule.RESERVED, "outside 2000::/3", null, null));
    }
    return Optional.empty();
  }

  private static InetAddress v4Address(byte[] v4) {
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
