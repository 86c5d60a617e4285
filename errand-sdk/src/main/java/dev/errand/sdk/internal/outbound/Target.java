package dev.errand.sdk.internal.outbound;

import dev.errand.sdk.OutboundPolicy.Rule;
import dev.errand.sdk.OutboundRefusedException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a request goes, read from its URI's raw authority the way a resolver would read it, not the
 * way {@link URI#getHost()} does (which gives up on {@code 2130706433} or {@code 127.1}).
 *
 * @param uri the URI as given
 * @param secure https rather than http
 * @param host the host in lower case without a trailing dot (a name, or an address's text)
 * @param port the port, the scheme's default when the URI has none
 * @param literals the addresses an IP-literal host means (see {@link Ipv4Literals#readings}), or
 *     empty for a host name
 * @param wireUri the URI the request is sent to: the first address in canonical form for a literal,
 *     no user info, no fragment
 */
public record Target(
    URI uri, boolean secure, String host, int port, List<InetAddress> literals, URI wireUri) {

  /**
   * Reads a request's target.
   *
   * @throws OutboundRefusedException when the scheme is not http or https
   * @throws IllegalArgumentException when the URI has no usable host or port
   */
  public static Target of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new OutboundRefusedException(
          uri.toString(),
          null,
          null,
          Rule.SCHEME,
          "only http and https URIs may be requested, not '" + scheme + ":'");
    }
    boolean secure = scheme.equals("https");
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("URI has no host: " + uri);
    }
    if (authority.contains("@")) {
      throw new IllegalArgumentException("URI must not carry user info: " + uri);
    }
    String rawHost = authority;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0 || (close + 1 < authority.length() && authority.charAt(close + 1) != ':')) {
        throw new IllegalArgumentException("URI has a malformed IPv6 host: " + uri);
      }
      rawHost = authority.substring(0, close + 1);
      portText = close + 1 < authority.length() ? authority.substring(close + 2) : null;
    } else if (authority.contains(":")) {
      rawHost = authority.substring(0, authority.lastIndexOf(':'));
      portText = authority.substring(authority.lastIndexOf(':') + 1);
    }
    int port = secure ? 443 : 80;
    if (portText != null && !portText.isEmpty()) {
      if (!portText.matches("[0-9]{1,5}")
          || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65535) {
        throw new IllegalArgumentException("URI port must be 1 to 65535: " + uri);
      }
      port = Integer.parseInt(portText);
    }
    String explicitPort = portText == null || portText.isEmpty() ? "" : ":" + port;
    String host;
    String wireHost;
    List<InetAddress> literals;
    if (rawHost.startsWith("[")) {
      InetAddress v6 = ipv6(rawHost.substring(1, rawHost.length() - 1), uri);
      literals = List.of(v6);
      host = v6.getHostAddress();
      wireHost = v6.getAddress().length == 4 ? host : "[" + host.replace("%", "%25") + "]";
    } else if (AllowEntry.looksNumeric(rawHost)) {
      String h = rawHost.endsWith(".") ? rawHost.substring(0, rawHost.length() - 1) : rawHost;
      literals = Ipv4Literals.readings(h);
      if (literals.isEmpty()) {
        throw new IllegalArgumentException(
            "URI host '" + rawHost + "' is neither an IPv4 address nor a host name: " + uri);
      }
      host = h.toLowerCase(Locale.ROOT);
      wireHost = literals.getFirst().getHostAddress();
    } else {
      if (rawHost.contains("%")) {
        throw new IllegalArgumentException("URI host must not be percent-encoded: " + uri);
      }
      host = AllowEntry.hostName(rawHost);
      wireHost = host;
      literals = List.of();
    }
    StringBuilder wire = new StringBuilder(scheme).append("://").append(wireHost);
    wire.append(explicitPort);
    wire.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      wire.append('?').append(uri.getRawQuery());
    }
    URI wireUri = URI.create(wire.toString());
    if (wireUri.getHost() == null) { // such as a name with '_', which java.net.URI refuses
      throw new IllegalArgumentException(
          "URI host '" + rawHost + "' cannot be sent by the JDK's HTTP client: " + uri);
    }
    return new Target(uri, secure, host, port, literals, wireUri);
  }

  private static InetAddress ipv6(String inner, URI uri) {
    String address = inner.replace("%25", "%");
    if (!address.contains(":")) {
      throw new IllegalArgumentException("URI has a malformed IPv6 host: " + uri);
    }
    try {
      return InetAddress.getByName(address); // contains ':': parsed as a literal, never resolved
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new IllegalArgumentException("URI has a malformed IPv6 host: " + uri, e);
    }
  }

  /** Whether the host is an IP literal rather than a name. */
  public boolean isLiteral() {
    return !literals.isEmpty();
  }

  /** The key that routes this target's connections: see {@link Routes#key(String, int)}. */
  public String routeKey() {
    return Routes.key(wireUri.getHost(), port);
  }

  /** Scheme, host and port: what decides whether a redirect stays on the same origin. */
  public String origin() {
    return (secure ? "https://" : "http://") + host + ":" + port;
  }
}
