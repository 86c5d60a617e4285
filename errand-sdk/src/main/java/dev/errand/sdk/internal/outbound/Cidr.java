package dev.errand.sdk.internal.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address range: an IPv4 or IPv6 network and a prefix length. Immutable. */
public final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code fc00::/7} or a single address (a /32 or /128). Addresses must
   * be IP literals: {@code text} is never looked up in DNS.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literal(address);
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("prefix length must be a number, was '" + p + "'");
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "prefix length must be 0 to " + bits + " for " + address + ", was " + prefix);
      }
    }
    byte[] network = bytes.clone();
    for (int i = 0; i < network.length; i++) {
      network[i] &= mask(prefix, i);
    }
    return new Cidr(network, prefix);
  }

  /** The bytes of an IPv4 (dotted decimal, four parts) or IPv6 literal, without DNS. */
  static byte[] literal(String address) {
    if (address.contains(":")) {
      try {
        // a string with ':' is parsed as an IPv6 literal, never resolved
        byte[] b = InetAddress.getByName(address).getAddress();
        if (b.length == 4) { // the JDK turns ::ffff:a.b.c.d into an IPv4 address: undo it
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(b, 0, mapped, 12, 4);
          return mapped;
        }
        return b;
      } catch (UnknownHostException | IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + address + "' is not an IPv6 address");
      }
    }
    InetAddress v4 = Ipv4Literals.canonical(address);
    if (v4 == null) {
      throw new IllegalArgumentException(
          "'" + address + "' is not an IPv4 address in four decimal parts such as 10.0.0.1");
    }
    return v4.getAddress();
  }

  private static int mask(int prefix, int byteIndex) {
    int bitsHere = Math.max(0, Math.min(8, prefix - byteIndex * 8));
    return (0xff << (8 - bitsHere)) & 0xff;
  }

  /** Whether {@code address} (4 or 16 bytes) is in this range; an IPv4 never is in an IPv6 one. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    for (int i = 0; i < network.length; i++) {
      if ((address[i] & mask(prefix, i)) != (network[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** Whether the range is one address. */
  public boolean isSingleAddress() {
    return prefix == network.length * 8;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
