package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Real sockets for the outbound client's tests: a listener that counts, a small web server. */
final class OutboundFixtures {
  private OutboundFixtures() {}

  /** A TCP listener that accepts connections, remembers their source ports and closes them. */
  static final class CountingListener implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Integer> accepted = new CopyOnWriteArrayList<>();

    CountingListener(String address) throws IOException {
      this(address, 0);
    }

    CountingListener(String address, int port) throws IOException {
      socket = new ServerSocket(port, 50, InetAddress.getByName(address));
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket s = socket.accept()) {
                    accepted.add(s.getPort());
                  } catch (IOException e) {
                    // closed
                  }
                }
              });
    }

    int port() {
      return socket.getLocalPort();
    }

    /**
     * Proves no connection reached the listener before now: a probe connection is made and must be
     * the first and only one accepted (connections are accepted in order).
     */
    void assertNoConnectionAttempted() throws IOException {
      int probePort;
      try (Socket probe = new Socket(socket.getInetAddress(), port())) {
        probePort = probe.getLocalPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.contains(probePort));
      }
      assertThat(accepted).as("connections accepted").containsExactly(probePort);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** What the web server received. */
  record Seen(String method, String path, String host, String authorization, String body) {}

  /** A canned answer. */
  record Answer(int status, Map<String, String> headers, String body) {}

  /**
   * An HTTP (or HTTPS) server on one address: answers a path with its canned answer, anything else
   * with 200 and "hello from ADDRESS PATH".
   */
  static final class WebServer implements AutoCloseable {
    private final HttpServer server;
    private final String address;
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** Names of {@code Proxy-*} request headers received: none should reach a server. */
    final List<String> proxyHeaders = new CopyOnWriteArrayList<>();

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    WebServer(String address) throws IOException {
      this(address, 0, null);
    }

    WebServer(String address, int port, SSLContext tls) throws IOException {
      this.address = address;
      InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(address), port);
      if (tls == null) {
        server = HttpServer.create(at, 0);
      } else {
        HttpsServer https = HttpsServer.create(at, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    /** {@code http://address:port/path}. */
    URI uri(String path) {
      String scheme = server instanceof HttpsServer ? "https" : "http";
      return URI.create(scheme + "://" + address + ":" + port() + path);
    }

    void answer(String path, int status, Map<String, String> headers, String body) {
      answers.put(path, new Answer(status, headers, body));
    }

    void redirect(String path, int status, String location) {
      answer(path, status, Map.of("Location", location), "");
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestHeaders().keySet().stream()
            .filter(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("proxy-"))
            .forEach(proxyHeaders::add);
        seen.add(
            new Seen(
                exchange.getRequestMethod(),
                path,
                exchange.getRequestHeaders().getFirst("Host"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                body));
        Answer a =
            answers.getOrDefault(
                path, new Answer(200, Map.of(), "hello from " + address + " " + path));
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
          exchange.getResponseBody().write(bytes);
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A self-signed certificate for {@code dnsName}, made by the JDK's keytool, and its contexts. */
  record Tls(SSLContext server, SSLContext client) {
    static Tls forName(Path dir, String dnsName) throws Exception {
      Path store = dir.resolve(dnsName + ".p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process p =
          new ProcessBuilder(
                  keytool,
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=" + dnsName,
                  "-ext",
                  "SAN=dns:" + dnsName,
                  "-validity",
                  "2",
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  "changeit",
                  "-keypass",
                  "changeit")
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(store.toFile())) {
        keys.load(in, "changeit".toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "changeit".toCharArray());
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, null);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("server", keys.getCertificate("server"));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      return new Tls(server, client);
    }
  }
}
