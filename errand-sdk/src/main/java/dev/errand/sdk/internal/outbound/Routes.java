package dev.errand.sdk.internal.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Pins each host a request is about to go to to the addresses that were checked for it, and routes
 * the JDK client's connections to those addresses only, so that the client never resolves a host
 * name itself (a second lookup could answer differently: DNS rebinding). It is the client's {@link
 * ProxySelector}: with a proxy, {@code java.net.http.HttpClient} leaves the destination unresolved
 * and connects to the proxy's address, which is resolved here.
 *
 * <ul>
 *   <li>http: the "proxy" is the checked address of the origin server itself. The request goes to
 *       it in absolute form ({@code GET http://host/path}), which HTTP/1.1 servers must accept (RFC
 *       9112, section 3.2.2), with the right {@code Host} header.
 *   <li>https: the proxy is this process's {@link ConnectTunnel}, which connects the {@code CONNECT
 *       host:port} tunnel to a checked address. TLS runs end to end through it with the host name
 *       as SNI and as the name the certificate is verified against.
 * </ul>
 *
 * A route looked up for a host that is not pinned goes to the tunnel, which refuses it: unchecked
 * traffic fails closed. Thread-safe.
 */
public final class Routes extends ProxySelector {

  /** The addresses checked for one host and port, while requests to it are in flight. */
  public static final class Pin {
    private final String key;
    private volatile List<InetAddress> addresses;
    private int users;
    private volatile String failure;

    private Pin(String key) {
      this.key = key;
    }

    public List<InetAddress> addresses() {
      return addresses;
    }

    /** Why the tunnel could not connect to any of the addresses, or null. */
    public String failure() {
      return failure;
    }

    void failed(String why) {
      this.failure = why;
    }
  }

  private final ConcurrentHashMap<String, Pin> pins = new ConcurrentHashMap<>();
  private final Supplier<InetSocketAddress> tunnel;

  public Routes(Supplier<InetSocketAddress> tunnel) {
    this.tunnel = tunnel;
  }

  /**
   * The key of a host and port: an IPv6 literal (in brackets or not) in the JDK's canonical text,
   * an IPv4 literal as is, a name in lower case without a trailing dot.
   */
  public static String key(String host, int port) {
    String h = host;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.contains(":")) {
      try {
        h = InetAddress.getByName(h).getHostAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        return h + "|" + port; // matches no pin
      }
    } else if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT) + "|" + port;
  }

  /** Pins {@code key} to {@code addresses} (checked) until {@link #unpin}. */
  public Pin pin(String key, List<InetAddress> addresses) {
    return pins.compute(
        key,
        (k, pin) -> {
          Pin p = pin == null ? new Pin(k) : pin;
          p.addresses = List.copyOf(addresses);
          p.failure = null;
          p.users++;
          return p;
        });
  }

  public void unpin(Pin pin) {
    pins.computeIfPresent(pin.key, (k, p) -> --p.users == 0 ? null : p);
  }

  /** The pin of {@code host:port}, or null. */
  public Pin lookup(String host, int port) {
    return pins.get(key(host, port));
  }

  @Override
  public List<Proxy> select(URI uri) {
    boolean secure = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
    Pin pin = uri.getHost() == null ? null : lookup(uri.getHost(), port);
    if (pin == null || secure) {
      return List.of(new Proxy(Proxy.Type.HTTP, tunnel.get()));
    }
    InetSocketAddress origin = new InetSocketAddress(pin.addresses().getFirst(), port);
    return List.of(new Proxy(Proxy.Type.HTTP, origin));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException e) {
    // nothing to remember: the next request checks and pins again
  }
}
