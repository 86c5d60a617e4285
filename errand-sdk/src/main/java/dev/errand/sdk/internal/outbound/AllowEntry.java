package dev.errand.sdk.internal.outbound;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One entry of an outbound allow-list: an address or range ({@code 10.1.2.3}, {@code 10.0.0.0/8},
 * {@code fd00::/8}, {@code [fd00::1]}), a host name ({@code api.internal}) or every name under a
 * domain ({@code *.corp.example}), each optionally with a port ({@code 10.0.0.5:8080}, {@code
 * [fd00::1]:443}, {@code api.internal:8443}). Immutable.
 *
 * @param text the entry as written
 * @param range the address range, or null for a host name entry
 * @param host the host name in lower case (without {@code *.} for a domain), or null
 * @param subdomains whether the entry is {@code *.domain}
 * @param port the port, or -1 for any
 */
public record AllowEntry(String text, Cidr range, String host, boolean subdomains, int port) {

  /**
   * Parses an entry.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static AllowEntry parse(String raw) {
    String text = raw.strip();
    try {
      return parseOrThrow(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "outbound allow-list entry '"
              + raw
              + "' is invalid: "
              + e.getMessage()
              + " (expected an IP address, a CIDR range, a host name or *.domain, optionally"
              + " followed by :port; IPv6 with a port in brackets: [fd00::1]:443)",
          e);
    }
  }

  private static AllowEntry parseOrThrow(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("it is empty");
    }
    String address = text;
    int port = -1;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'[' without ']'");
      }
      address = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("only ':port' may follow ']'");
        }
        port = port(rest.substring(1));
      }
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
      int colon = text.indexOf(':');
      address = text.substring(0, colon);
      port = port(text.substring(colon + 1));
    }
    if (address.contains(":") || address.contains("/") || looksNumeric(address)) {
      return new AllowEntry(text, Cidr.parse(address), null, false, port);
    }
    boolean subdomains = address.startsWith("*.");
    String name = hostName(subdomains ? address.substring(2) : address);
    return new AllowEntry(text, null, name, subdomains, port);
  }

  /** A host name in lower-case ASCII without a trailing dot, or an exception saying why not. */
  public static String hostName(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    try {
      n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a host name");
    }
    if (!n.matches("[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*")) {
      throw new IllegalArgumentException("'" + name + "' is not a host name");
    }
    return n;
  }

  /** Whether the last label starts with a digit: no top-level domain does, so it is an address. */
  public static boolean looksNumeric(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String last = h.substring(h.lastIndexOf('.') + 1);
    return !last.isEmpty() && Character.isDigit(last.charAt(0));
  }

  private static int port(String p) {
    if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, was '" + p + "'");
    }
    return Integer.parseInt(p);
  }

  private boolean portMatches(int requestPort) {
    return port < 0 || port == requestPort;
  }

  /** Whether this entry names {@code hostName} (lower case, no trailing dot) on {@code port}. */
  public boolean matchesName(String hostName, int requestPort) {
    if (host == null || !portMatches(requestPort)) {
      return false;
    }
    return subdomains ? hostName.endsWith("." + host) : hostName.equals(host);
  }

  /** Whether this entry's range holds {@code address} on {@code port}. */
  public boolean matchesAddress(InetAddress address, int requestPort) {
    return range != null && portMatches(requestPort) && range.contains(address);
  }

  /** Whether this entry is exactly {@code address} (not a wider range), on {@code port}. */
  public boolean isExactly(InetAddress address, int requestPort) {
    return matchesAddress(address, requestPort) && range.isSingleAddress();
  }
}
