package dev.errand.sdk.internal.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 literals the way the C library reads them ({@code inet_aton}): one to four parts separated
 * by dots, each decimal, octal (a leading {@code 0}) or hexadecimal ({@code 0x}), the last part
 * filling the remaining bytes. So {@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1} and
 * {@code 127.1} are all 127.0.0.1, and a host name made of them never reaches DNS.
 */
public final class Ipv4Literals {
  private Ipv4Literals() {}

  /**
   * The addresses {@code host} may mean, or an empty list when it is not an IPv4 literal. The first
   * is the C library's reading; a second, different one is there when a part has a leading zero
   * (octal to the C library, decimal to other parsers): both must pass a check.
   */
  public static List<InetAddress> readings(String host) {
    Long libc = value(host, false);
    if (libc == null) {
      return List.of();
    }
    List<InetAddress> out = new ArrayList<>(2);
    out.add(address(libc));
    Long decimal = value(host, true);
    if (decimal != null && !decimal.equals(libc)) {
      out.add(address(decimal));
    }
    return out;
  }

  /** {@code host} when it is plain dotted decimal (four parts, no leading zeros), else null. */
  public static InetAddress canonical(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    for (String p : parts) {
      if (!p.matches("0|[1-9][0-9]{0,2}")) {
        return null;
      }
    }
    Long v = value(host, false);
    return v == null ? null : address(v);
  }

  /** The 32-bit value, or null when not a literal; {@code decimalZeros} reads 010 as ten. */
  private static Long value(String host, boolean decimalZeros) {
    String[] parts = host.split("\\.", -1);
    if (parts.length < 1 || parts.length > 4) {
      return null;
    }
    long result = 0;
    for (int i = 0; i < parts.length; i++) {
      Long part = part(parts[i], decimalZeros);
      boolean last = i == parts.length - 1;
      long max = last ? (1L << (8 * (4 - i))) - 1 : 255;
      if (part == null || part > max) {
        return null;
      }
      result = last ? result | part : result | (part << (8 * (3 - i)));
    }
    return result;
  }

  private static Long part(String p, boolean decimalZeros) {
    if (p.isEmpty() || p.length() > 12) {
      return null;
    }
    int radix = 10;
    String digits = p;
    if (p.length() > 2 && (p.startsWith("0x") || p.startsWith("0X"))) {
      if (decimalZeros) {
        return null; // hexadecimal has one reading only; the libc one is checked
      }
      radix = 16;
      digits = p.substring(2);
    } else if (p.length() > 1 && p.startsWith("0") && !decimalZeros) {
      radix = 8;
      digits = p.substring(1);
    }
    for (char c : digits.toCharArray()) {
      if (Character.digit(c, radix) < 0) {
        return null;
      }
    }
    return Long.parseLong(digits, radix);
  }

  private static InetAddress address(long v) {
    byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
