package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.errand.sdk.OutboundFixtures.CountingListener;
import dev.errand.sdk.OutboundFixtures.Seen;
import dev.errand.sdk.OutboundFixtures.Tls;
import dev.errand.sdk.OutboundFixtures.WebServer;
import dev.errand.sdk.OutboundPolicy.Rule;
import dev.errand.sdk.internal.outbound.HostResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound client against real sockets: refused requests never connect (a listener on the
 * refused address accepts nothing), allowed ones arrive with the right Host header, redirects are
 * checked hop by hop, and a name is resolved once and connected to as checked.
 */
class OutboundHttpTest {
  private final List<AutoCloseable> closing = new ArrayList<>();

  @TempDir Path tempDir;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closes(T c) {
    closing.add(c);
    return c;
  }

  private OutboundHttp client(String... allow) {
    return closes(OutboundHttp.builder().allow(allow).build());
  }

  private static OutboundRefusedException refusal(OutboundHttp http, String uri) {
    return catchThrowableOfType(OutboundRefusedException.class, () -> http.get(URI.create(uri)));
  }

  /** A resolver with fixed answers per name, counting lookups; other names do not resolve. */
  private static final class Names implements HostResolver {
    final Map<String, List<String>> answers;
    final AtomicInteger lookups = new AtomicInteger();

    Names(Map<String, List<String>> answers) {
      this.answers = answers;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      int n = lookups.getAndIncrement();
      List<String> a = answers.get(host);
      if (a == null) {
        throw new UnknownHostException(host);
      }
      // a name whose answers are a list of one per lookup: the last one repeats
      String answer = a.get(Math.min(n, a.size() - 1));
      List<InetAddress> out = new ArrayList<>();
      for (String s : answer.split(",")) {
        out.add(InetAddress.getByName(s));
      }
      return out.toArray(InetAddress[]::new);
    }
  }

  @Test
  void refusesLoopbackIpv4BeforeConnecting() throws Exception {
    CountingListener loopback = closes(new CountingListener("127.0.0.1"));
    OutboundRefusedException e = refusal(client(), "http://127.0.0.1:" + loopback.port() + "/");

    assertThat(e.rule()).isEqualTo(Rule.LOOPBACK);
    assertThat(e.address()).isEqualTo("127.0.0.1");
    assertThat(e.getMessage())
        .contains("127.0.0.1 is loopback (127.0.0.0/8)")
        .contains("'127.0.0.1'")
        .contains(OutboundPolicy.ALLOW_ENV);
    assertThat(e).isInstanceOf(NonRetryableException.class);
    loopback.assertNoConnectionAttempted();
  }

  @Test
  void refusesLoopbackIpv6BeforeConnecting() throws Exception {
    CountingListener loopback = closes(new CountingListener("::1"));
    OutboundRefusedException e = refusal(client(), "http://[::1]:" + loopback.port() + "/");

    assertThat(e.rule()).isEqualTo(Rule.LOOPBACK);
    assertThat(e.address()).isEqualTo("0:0:0:0:0:0:0:1");
    loopback.assertNoConnectionAttempted();
  }

  @Test
  void refusesOddLiteralFormsOfLoopback() throws Exception {
    CountingListener loopback = closes(new CountingListener("127.0.0.1"));
    OutboundHttp http = client();
    for (String host :
        List.of(
            "2130706433",
            "0x7f000001",
            "0177.0.0.1",
            "127.1",
            "127.0.0.1.",
            "[::ffff:127.0.0.1]")) {
      OutboundRefusedException e = refusal(http, "http://" + host + ":" + loopback.port() + "/x");
      assertThat(e).as(host).isNotNull();
      assertThat(e.rule()).as(host).isEqualTo(Rule.LOOPBACK);
      assertThat(e.address()).as(host).isEqualTo("127.0.0.1");
    }
    loopback.assertNoConnectionAttempted();
  }

  @Test
  void refusesCloudMetadataPrivateAndOtherSchemes() throws Exception {
    Names names = new Names(Map.of());
    OutboundHttp http = closes(OutboundHttp.builder().resolver(names).build());

    assertThat(refusal(http, "http://169.254.169.254/latest/meta-data/").rule())
        .isEqualTo(Rule.CLOUD_METADATA);
    assertThat(refusal(http, "http://[fd00:ec2::254]/").rule()).isEqualTo(Rule.CLOUD_METADATA);
    assertThat(refusal(http, "http://metadata.google.internal/computeMetadata/v1/").rule())
        .isEqualTo(Rule.CLOUD_METADATA);
    assertThat(names.lookups).as("a metadata name is refused without a lookup").hasValue(0);
    OutboundRefusedException priv = refusal(http, "http://10.0.0.1/");
    assertThat(priv.rule()).isEqualTo(Rule.PRIVATE);
    assertThat(priv.getMessage()).contains("10.0.0.1 is private (10.0.0.0/8)");
    assertThat(refusal(http, "http://[::ffff:10.0.0.1]/").rule()).isEqualTo(Rule.PRIVATE);
    assertThat(refusal(http, "http://100.64.0.1/").rule()).isEqualTo(Rule.CGNAT);
    assertThat(refusal(http, "http://[fe80::1]/").rule()).isEqualTo(Rule.LINK_LOCAL);
    assertThat(refusal(http, "https://0.0.0.0/").rule()).isEqualTo(Rule.UNSPECIFIED);
    for (String uri :
        List.of("ftp://example.com/", "file:///etc/passwd", "gopher://example.com/")) {
      assertThat(refusal(http, uri).rule()).as(uri).isEqualTo(Rule.SCHEME);
    }
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(URI.create("http://10.0.0.1/")).build(),
                    BodyHandlers.discarding()))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void refusesANameThatResolvesToLoopback() throws Exception {
    CountingListener loopback = closes(new CountingListener("127.0.0.1"));
    OutboundRefusedException e = refusal(client(), "http://localhost:" + loopback.port() + "/");

    assertThat(e.rule()).isEqualTo(Rule.LOOPBACK);
    assertThat(e.host()).isEqualTo("localhost");
    assertThat(e.getMessage())
        .contains("localhost resolved to")
        .contains("is loopback")
        .contains("'localhost' or '");
    loopback.assertNoConnectionAttempted();
  }

  @Test
  void refusesANameWhenAnyOfItsAddressesIsRefused() throws Exception {
    Names names = new Names(Map.of("mixed.test", List.of("93.184.216.34,127.0.0.1")));
    OutboundHttp http = closes(OutboundHttp.builder().resolver(names).build());

    OutboundRefusedException e = refusal(http, "http://mixed.test/");
    assertThat(e.rule()).isEqualTo(Rule.LOOPBACK);
    assertThat(e.getMessage()).contains("mixed.test resolved to 93.184.216.34, 127.0.0.1");
  }

  @Test
  void reachesAnAllowListedAddressAndReturnsItsBody() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    HttpResponse<String> r = client("127.0.0.2").get(server.uri("/hello"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from 127.0.0.2 /hello");
    assertThat(server.seen)
        .containsExactly(new Seen("GET", "/hello", "127.0.0.2:" + server.port(), null, ""));
  }

  @Test
  void refusesARedirectToLoopback() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    CountingListener loopback = closes(new CountingListener("127.0.0.1"));
    server.redirect("/go", 302, "http://127.0.0.1:" + loopback.port() + "/admin");
    server.redirect("/odd", 307, "http://2130706433:" + loopback.port() + "/admin");
    OutboundHttp http = client("127.0.0.2");

    OutboundRefusedException e = refusal(http, server.uri("/go").toString());
    assertThat(e.rule()).isEqualTo(Rule.LOOPBACK);
    assertThat(e.getMessage()).startsWith("redirect from " + server.uri("/go") + ": ");
    assertThat(e.uri()).isEqualTo("http://127.0.0.1:" + loopback.port() + "/admin");
    assertThat(refusal(http, server.uri("/odd").toString()).rule()).isEqualTo(Rule.LOOPBACK);
    loopback.assertNoConnectionAttempted();
    server.redirect("/file", 302, "file:///etc/passwd");
    assertThat(refusal(http, server.uri("/file").toString()).rule()).isEqualTo(Rule.SCHEME);
  }

  @Test
  void followsRedirectsWithTheMethodAndBodyEachStatusCallsFor() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    for (int status : List.of(301, 302, 303, 307, 308)) {
      server.redirect("/r" + status, status, "/landing" + status);
    }
    OutboundHttp http = client("127.0.0.2");
    List<String> arrived = new ArrayList<>();
    for (String method : List.of("POST", "PUT")) {
      for (int status : List.of(301, 302, 303, 307, 308)) {
        server.seen.clear();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(server.uri("/r" + status))
                    .method(method, HttpRequest.BodyPublishers.ofString("payload"))
                    .header("Content-Type", "text/plain")
                    .build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.previousResponse())
            .get()
            .extracting(HttpResponse::statusCode)
            .isEqualTo(status);
        assertThat(r.uri().getPath()).isEqualTo("/landing" + status);
        Seen landing = server.seen.getLast();
        arrived.add(
            method + " " + status + " -> " + landing.method() + " '" + landing.body() + "'");
      }
    }
    assertThat(arrived)
        .containsExactly(
            "POST 301 -> GET ''",
            "POST 302 -> GET ''",
            "POST 303 -> GET ''",
            "POST 307 -> POST 'payload'",
            "POST 308 -> POST 'payload'",
            "PUT 301 -> PUT 'payload'",
            "PUT 302 -> PUT 'payload'",
            "PUT 303 -> GET ''",
            "PUT 307 -> PUT 'payload'",
            "PUT 308 -> PUT 'payload'");
  }

  @Test
  void aRedirectToAnotherOriginDropsCredentials() throws Exception {
    WebServer a = closes(new WebServer("127.0.0.2"));
    WebServer b = closes(new WebServer("127.0.0.3"));
    a.redirect("/same", 302, "/landing");
    a.redirect("/away", 302, b.uri("/landing").toString());
    OutboundHttp http = client("127.0.0.2/31"); // a CIDR range holding both

    for (String path : List.of("/same", "/away")) {
      http.send(
          HttpRequest.newBuilder(a.uri(path)).header("Authorization", "Bearer secret").build(),
          BodyHandlers.discarding());
    }
    assertThat(a.seen)
        .contains(new Seen("GET", "/landing", "127.0.0.2:" + a.port(), "Bearer secret", ""));
    assertThat(b.seen)
        .containsExactly(new Seen("GET", "/landing", "127.0.0.3:" + b.port(), null, ""));
  }

  @Test
  void stopsAfterTheMaximumOfRedirects() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    server.redirect("/loop", 302, "/loop");
    OutboundHttp http = closes(OutboundHttp.builder().allow("127.0.0.2").maxRedirects(3).build());

    assertThatThrownBy(() -> http.get(server.uri("/loop")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than 3 redirects");
    assertThat(server.seen).hasSize(4);

    OutboundHttp none = closes(OutboundHttp.builder().allow("127.0.0.2").maxRedirects(0).build());
    HttpResponse<String> redirect = none.get(server.uri("/loop"));
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location")).contains("/loop");
  }

  @Test
  void cidrAndPortEntriesAllowExactlyWhatTheyName() throws Exception {
    WebServer two = closes(new WebServer("127.0.0.2"));
    WebServer three = closes(new WebServer("127.0.0.3"));
    CountingListener otherPort = closes(new CountingListener("127.0.0.2"));
    CountingListener loopback = closes(new CountingListener("127.0.0.1"));

    OutboundHttp byPort = client("127.0.0.2:" + two.port());
    assertThat(byPort.get(two.uri("/")).statusCode()).isEqualTo(200);
    OutboundRefusedException wrongPort =
        refusal(byPort, "http://127.0.0.2:" + otherPort.port() + "/");
    assertThat(wrongPort.rule()).isEqualTo(Rule.LOOPBACK);
    otherPort.assertNoConnectionAttempted();

    OutboundHttp byRange = client("127.0.0.2/31");
    assertThat(byRange.get(two.uri("/")).statusCode()).isEqualTo(200);
    assertThat(byRange.get(three.uri("/")).body()).isEqualTo("hello from 127.0.0.3 /");
    assertThat(refusal(byRange, "http://127.0.0.1:" + loopback.port() + "/").rule())
        .isEqualTo(Rule.LOOPBACK);
    loopback.assertNoConnectionAttempted();
  }

  @Test
  void hostNameEntriesAllowTheNameAndKeepItInTheHostHeader() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    Names names =
        new Names(
            Map.of("api.test", List.of("127.0.0.2"), "orders.svc.test", List.of("127.0.0.2")));
    OutboundHttp http =
        closes(
            OutboundHttp.builder()
                .resolver(names)
                .allow("api.test:" + server.port(), "*.svc.test")
                .build());
    OutboundHttp strict = closes(OutboundHttp.builder().resolver(names).build());

    URI api = URI.create("http://api.test:" + server.port() + "/v1");
    assertThat(http.get(api).body()).isEqualTo("hello from 127.0.0.2 /v1");
    assertThat(server.seen.getLast().host()).isEqualTo("api.test:" + server.port());
    assertThat(http.get(URI.create("http://orders.svc.test:" + server.port() + "/o")).statusCode())
        .isEqualTo(200);
    OutboundRefusedException e = refusal(strict, api.toString());
    assertThat(e.getMessage())
        .contains("api.test resolved to 127.0.0.2, and 127.0.0.2 is loopback");
    assertThat(e.getMessage()).contains("add 'api.test' or '127.0.0.2'");
  }

  @Test
  void connectsToTheAddressItCheckedWhateverTheNameResolvesToLater() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    // the same port on 127.0.0.1: where a second lookup of the name would send the connection
    CountingListener rebound = closes(new CountingListener("127.0.0.1", server.port()));
    Names names = new Names(Map.of("rebind.test", List.of("127.0.0.2", "127.0.0.1")));
    OutboundHttp http = closes(OutboundHttp.builder().resolver(names).allow("127.0.0.2").build());

    HttpResponse<String> r = http.get(URI.create("http://rebind.test:" + server.port() + "/"));

    assertThat(r.body()).isEqualTo("hello from 127.0.0.2 /");
    assertThat(names.lookups).as("one lookup, by the check").hasValue(1);
    assertThat(server.seen.getLast().host()).isEqualTo("rebind.test:" + server.port());
    rebound.assertNoConnectionAttempted();
    OutboundRefusedException next = refusal(http, "http://rebind.test:" + server.port() + "/");
    assertThat(next.rule()).as("the second lookup answers loopback").isEqualTo(Rule.LOOPBACK);
  }

  @Test
  void httpsGoesToTheCheckedAddressWithTheNameForSniAndCertificateVerification() throws Exception {
    Tls tls = Tls.forName(tempDir, "secure.test");
    WebServer server = closes(new WebServer("127.0.0.2", 0, tls.server()));
    CountingListener rebound = closes(new CountingListener("127.0.0.1", server.port()));
    Names names =
        new Names(
            Map.of(
                "secure.test", List.of("127.0.0.2", "127.0.0.1"),
                "other.test", List.of("127.0.0.2")));
    OutboundHttp http =
        closes(
            OutboundHttp.builder()
                .resolver(names)
                .sslContext(tls.client())
                .allow("127.0.0.2")
                .build());

    URI uri = URI.create("https://secure.test:" + server.port() + "/tls");
    HttpResponse<String> r = http.get(uri);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from 127.0.0.2 /tls");
    assertThat(r.sslSession()).isPresent();
    assertThat(server.seen.getLast().host()).isEqualTo("secure.test:" + server.port());
    assertThat(server.proxyHeaders).as("the tunnel's token stays with the tunnel").isEmpty();
    rebound.assertNoConnectionAttempted();
    assertThatThrownBy(() -> http.get(URI.create("https://other.test:" + server.port() + "/")))
        .as("the certificate is verified against the name asked for")
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(refusal(http, uri.toString()).rule())
        .as("the next lookup answers loopback")
        .isEqualTo(Rule.LOOPBACK);
  }

  @Test
  void anHttpsAddressThatDoesNotAnswerFailsWithAConnectExceptionNamingIt() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      closedPort = s.getLocalPort();
    }
    OutboundHttp http = client("127.0.0.2");

    assertThatThrownBy(() -> http.get(URI.create("https://127.0.0.2:" + closedPort + "/")))
        .isInstanceOf(java.net.ConnectException.class)
        .hasMessageContaining("could not connect to 127.0.0.2:" + closedPort);
  }

  @Test
  void postJsonSendsJson() throws Exception {
    WebServer server = closes(new WebServer("127.0.0.2"));
    record Event(String id, int n) {}
    client("127.0.0.2").postJson(server.uri("/events"), new Event("e1", 3));

    assertThat(server.seen.getLast().method()).isEqualTo("POST");
    assertThat(server.seen.getLast().body()).isEqualTo("{\"id\":\"e1\",\"n\":3}");
  }
}
