package dev.errand.sdk.internal.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP {@code CONNECT} proxy on a loopback port of this process, through which the outbound
 * client's https connections go: it connects each tunnel to an address {@link Routes} pinned for
 * the host (checked before the request was sent), and to nothing else. It serves only its own
 * client: a {@code CONNECT} must carry the client's random token in {@value #TOKEN_HEADER} (the JDK
 * client sends {@code Proxy-*} headers of a request to the proxy when it opens a tunnel, and never
 * to the server). Started on first use. Thread-safe.
 */
public final class ConnectTunnel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectTunnel.class);
  private static final int MAX_HEAD_BYTES = 8_192;
  private static final int HEAD_READ_TIMEOUT_MILLIS = 10_000;

  /** The header of a {@code CONNECT} that carries the client's token. */
  public static final String TOKEN_HEADER = "Proxy-Errand-Token";

  private final Routes routes;
  private final Duration connectTimeout;
  private final byte[] token;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket server;
  private boolean closed;

  public ConnectTunnel(Routes routes, Duration connectTimeout, String token) {
    this.routes = routes;
    this.connectTimeout = connectTimeout;
    this.token = token.getBytes(StandardCharsets.US_ASCII);
  }

  /** The tunnel's address, starting it when it is not yet listening. */
  public InetSocketAddress address() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the outbound HTTP client is closed");
      }
      if (server == null) {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = s;
        Thread.ofVirtual().name("errand-outbound-tunnel").start(() -> acceptLoop(s));
      }
      return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not open the outbound tunnel", e);
    } finally {
      lock.unlock();
    }
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        open.add(client);
        Thread.ofVirtual().name("errand-outbound-tunnel-conn").start(() -> serve(client));
      } catch (IOException e) {
        if (!s.isClosed()) {
          log.warn("outbound tunnel: accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try {
      client.setSoTimeout(HEAD_READ_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(client.getInputStream());
      String head = readHead(in);
      String[] parts =
          head == null ? new String[0] : head.substring(0, head.indexOf("\r\n")).split(" ");
      if (parts.length != 3 || !parts[0].equals("CONNECT")) {
        answer(client, "405 Method Not Allowed", "errand outbound tunnel: CONNECT only");
        return;
      }
      if (!hasToken(head)) {
        answer(client, "403 Forbidden", "errand outbound tunnel: not this process's client");
        return;
      }
      int colon = parts[1].lastIndexOf(':');
      int port = colon < 0 ? -1 : parsePort(parts[1].substring(colon + 1));
      Routes.Pin pin = port < 0 ? null : routes.lookup(parts[1].substring(0, colon), port);
      if (pin == null) {
        answer(client, "403 Forbidden", "errand outbound tunnel: " + parts[1] + " was not checked");
        return;
      }
      upstream = connect(pin, port);
      if (upstream == null) {
        answer(client, "502 Bad Gateway", "errand outbound tunnel: " + pin.failure());
        return;
      }
      client.setSoTimeout(0);
      OutputStream out = client.getOutputStream();
      out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Socket up = upstream;
      Thread back = Thread.ofVirtual().start(() -> pipe(up, client));
      pipe(in, client, upstream);
      back.join();
    } catch (IOException e) {
      log.debug("outbound tunnel: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      release(client);
      if (upstream != null) {
        release(upstream);
      }
    }
  }

  /** Connects to the first pinned address that answers; null (and the pin's failure) if none. */
  private Socket connect(Routes.Pin pin, int port) {
    StringBuilder failures = new StringBuilder();
    for (InetAddress address : pin.addresses()) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
        open.add(s);
        return s;
      } catch (IOException e) {
        close(s);
        failures.append(failures.isEmpty() ? "" : "; ");
        failures.append(address.getHostAddress()).append(':').append(port).append(": ");
        failures.append(e.getMessage());
      }
    }
    pin.failed("could not connect to " + failures);
    return null;
  }

  /** The request's head, through its empty line; null when the head is cut or too long. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() >= MAX_HEAD_BYTES) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private boolean hasToken(String head) {
    String prefix = TOKEN_HEADER.toLowerCase(java.util.Locale.ROOT) + ":";
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
        byte[] given = line.substring(prefix.length()).strip().getBytes(StandardCharsets.US_ASCII);
        return java.security.MessageDigest.isEqual(given, token);
      }
    }
    return false;
  }

  private static int parsePort(String p) {
    return p.matches("[0-9]{1,5}") && Integer.parseInt(p) <= 65535 ? Integer.parseInt(p) : -1;
  }

  private static void answer(Socket client, String status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + b.length
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private void pipe(Socket from, Socket to) {
    try {
      pipe(from.getInputStream(), from, to);
    } catch (IOException e) {
      log.debug("outbound tunnel: {}", e.toString());
    }
  }

  /** Copies until end of stream, then half-closes {@code to} so the other side sees the end. */
  private static void pipe(InputStream in, Socket from, Socket to) {
    try {
      in.transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      close(from); // a reset on one side ends the tunnel
      close(to);
    }
  }

  private void release(Socket s) {
    open.remove(s);
    close(s);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing more to do
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      log.debug("outbound tunnel: {}", e.toString());
    } finally {
      lock.unlock();
    }
    open.forEach(ConnectTunnel::close);
    open.clear();
  }
}
