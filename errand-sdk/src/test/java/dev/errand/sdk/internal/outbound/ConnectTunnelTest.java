package dev.errand.sdk.internal.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CONNECT tunnel opens tunnels to pinned hosts only, to the pinned addresses. */
class ConnectTunnelTest {
  private final ConnectTunnel[] holder = new ConnectTunnel[1];
  private final Routes routes = new Routes(() -> holder[0].address());
  private final ConnectTunnel tunnel = new ConnectTunnel(routes, Duration.ofSeconds(5), "t0ken");

  {
    holder[0] = tunnel;
  }

  @AfterEach
  void close() {
    tunnel.close();
  }

  private static String exchange(InetSocketAddress at, String request) throws IOException {
    try (Socket s = new Socket(at.getAddress(), at.getPort())) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] head = new byte[12];
      int n = s.getInputStream().readNBytes(head, 0, head.length);
      return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  @Test
  void refusesHostsThatWereNotCheckedClientsWithoutTheTokenAndAnythingButConnect()
      throws Exception {
    assertThat(
            exchange(
                tunnel.address(),
                "CONNECT 127.0.0.1:22 HTTP/1.1\r\nProxy-Errand-Token: t0ken\r\n\r\n"))
        .isEqualTo("HTTP/1.1 403");
    Routes.Pin pin =
        routes.pin(Routes.key("127.0.0.2", 22), List.of(InetAddress.getByName("127.0.0.2")));
    assertThat(exchange(tunnel.address(), "CONNECT 127.0.0.2:22 HTTP/1.1\r\n\r\n"))
        .as("no token")
        .isEqualTo("HTTP/1.1 403");
    assertThat(
            exchange(
                tunnel.address(),
                "CONNECT 127.0.0.2:22 HTTP/1.1\r\nProxy-Errand-Token: other\r\n\r\n"))
        .as("a wrong token")
        .isEqualTo("HTTP/1.1 403");
    routes.unpin(pin);
    assertThat(exchange(tunnel.address(), "GET http://127.0.0.1:22/ HTTP/1.1\r\nHost: x\r\n\r\n"))
        .isEqualTo("HTTP/1.1 405");
  }

  @Test
  void tunnelsAPinnedHostToItsPinnedAddress() throws Exception {
    try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.2"))) {
      Routes.Pin pin =
          routes.pin(
              Routes.key("echo.test", upstream.getLocalPort()),
              List.of(InetAddress.getByName("127.0.0.2")));
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = upstream.accept()) {
                  s.getOutputStream().write(s.getInputStream().readNBytes(4));
                } catch (IOException e) {
                  // the test fails on its read
                }
              });
      InetSocketAddress at = tunnel.address();
      try (Socket s = new Socket(at.getAddress(), at.getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("CONNECT echo.test:"
                    + upstream.getLocalPort()
                    + " HTTP/1.1\r\nproxy-errand-token: t0ken\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String established = "HTTP/1.1 200 Connection Established\r\n\r\n";
        assertThat(new String(in.readNBytes(established.length()), StandardCharsets.US_ASCII))
            .isEqualTo(established);
        out.write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
      } finally {
        routes.unpin(pin);
      }
    }
  }
}
