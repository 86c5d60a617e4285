package dev.errand.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.errand.sdk.internal.Json;
import dev.errand.sdk.internal.outbound.AllowEntry;
import dev.errand.sdk.internal.outbound.ConnectTunnel;
import dev.errand.sdk.internal.outbound.HostResolver;
import dev.errand.sdk.internal.outbound.RedirectedResponse;
import dev.errand.sdk.internal.outbound.Redirects;
import dev.errand.sdk.internal.outbound.Routes;
import dev.errand.sdk.internal.outbound.Target;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * An HTTP client for task code that will not be turned against the worker's own network: it
 * refuses, before connecting, any request whose host is or resolves to an address its {@link
 * OutboundPolicy} refuses (loopback, private, link-local, CGNAT, cloud metadata and the like),
 * follows redirects itself and checks every hop the same way. Tasks get the worker's from {@link
 * TaskContext#http()}; other code can build one.
 *
 * <pre>{@code
 * HttpResponse<String> r = ctx.http().get(URI.create("https://api.example.com/orders/42"));
 * HttpResponse<String> p = ctx.http().postJson(URI.create("https://hooks.example.com/x"), event);
 * HttpResponse<InputStream> s = ctx.http().send(HttpRequest.newBuilder(uri).build(),
 *     BodyHandlers.ofInputStream());
 * }</pre>
 *
 * <p>A name is resolved once per request, every address it resolves to must pass, and the
 * connection goes to one of those addresses: the JDK client underneath never resolves the name
 * again (see {@code docs/security.md}, "Outbound requests from tasks"). It speaks HTTP/1.1 unless a
 * request asks for HTTP/2, and uses no proxy, cookie store or authenticator.
 *
 * <p>Thread-safe; share one. {@link #close()} releases its connections and its tunnel.
 */
public final class OutboundHttp implements AutoCloseable {
  /** How long connecting may take: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a request without its own timeout may wait for its response headers: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Redirects followed before giving up: {@value}. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;

  private final OutboundPolicy policy;
  private final HostResolver resolver;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int maxRedirects;
  private final SSLContext sslContext;
  private final Routes routes;
  private final ConnectTunnel tunnel;
  private final String tunnelToken;
  private final ReentrantLock lock = new ReentrantLock();
  private HttpClient client;
  private boolean closed;

  private OutboundHttp(Builder b) {
    this.policy = OutboundPolicy.allowing(b.allow);
    this.resolver = b.resolver;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.maxRedirects = b.maxRedirects;
    this.sslContext = b.sslContext;
    ConnectTunnel[] holder = new ConnectTunnel[1];
    this.routes = new Routes(() -> holder[0].address());
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.tunnelToken = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    this.tunnel = new ConnectTunnel(routes, connectTimeout, tunnelToken);
    holder[0] = tunnel;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The policy requests are checked against. */
  public OutboundPolicy policy() {
    return policy;
  }

  /**
   * Sends {@code request} and returns the final response, following redirects. Only the final
   * response's body goes to {@code handler}; {@link HttpResponse#previousResponse()} gives the
   * redirects (without bodies). A request without a timeout gets the client's request timeout.
   *
   * @throws OutboundRefusedException when the request, or a redirect, goes where the policy refuses
   * @throws java.net.UnknownHostException when a host name does not resolve
   * @throws IOException when the exchange fails, or after more than the maximum of redirects
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    return send(Target.of(request.uri()), request, handler);
  }

  /** GETs {@code uri}; the body as a string. See {@link #send}. */
  public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    Target target = Target.of(Objects.requireNonNull(uri, "uri"));
    return send(
        target, HttpRequest.newBuilder(target.wireUri()).GET().build(), BodyHandlers.ofString());
  }

  /**
   * POSTs {@code body} as JSON (Errand's JSON mapping, as for payloads) to {@code uri}; the
   * response body as a string. See {@link #send}.
   */
  public HttpResponse<String> postJson(URI uri, Object body)
      throws IOException, InterruptedException {
    Target target = Target.of(Objects.requireNonNull(uri, "uri"));
    byte[] json;
    try {
      json = Json.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body does not serialize to JSON: " + e.getMessage(), e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(target.wireUri())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
    return send(target, request, BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> send(Target first, HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Target target = first;
    HttpRequest hop = request;
    HttpResponse<T> previous = null;
    for (int redirects = 0; ; redirects++) {
      Target at = target;
      BodyHandler<T> bodies =
          info ->
              follows(info.statusCode(), info.headers(), at).isPresent()
                  ? BodySubscribers.<T>replacing(null)
                  : handler.apply(info);
      HttpResponse<T> response;
      try {
        response = exchange(target, hop, bodies);
      } catch (OutboundRefusedException e) {
        throw previous == null ? e : e.redirectedFrom(previous.uri().toString());
      }
      if (previous != null) {
        response = new RedirectedResponse<>(response, previous);
      }
      Optional<URI> location = follows(response.statusCode(), response.headers(), at);
      if (location.isEmpty()) {
        return response;
      }
      if (redirects == maxRedirects) {
        throw new IOException(
            "more than "
                + maxRedirects
                + " redirects; the last, from "
                + response.uri()
                + ", to "
                + location.get());
      }
      Target next;
      try {
        next = Target.of(location.get());
      } catch (OutboundRefusedException e) {
        throw e.redirectedFrom(response.uri().toString());
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "cannot follow the redirect from " + response.uri() + ": " + e.getMessage(), e);
      }
      hop = Redirects.next(hop, response.statusCode(), target, next);
      previous = response;
      target = next;
    }
  }

  /** Where a response redirects to, when this client follows it (never with maxRedirects 0). */
  private Optional<URI> follows(int status, HttpHeaders headers, Target from) {
    return maxRedirects == 0 ? Optional.empty() : Redirects.location(status, headers, from);
  }

  /** One request to one target: check, pin the checked addresses, send. */
  private <T> HttpResponse<T> exchange(Target target, HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    List<InetAddress> addresses = policy.check(target, resolver);
    HttpRequest.Builder wire =
        HttpRequest.newBuilder(request, (n, v) -> true).uri(target.wireUri());
    if (request.timeout().isEmpty()) {
      wire.timeout(requestTimeout);
    }
    if (target.secure()) {
      wire.setHeader(ConnectTunnel.TOKEN_HEADER, tunnelToken); // to the tunnel only
    }
    Routes.Pin pin = routes.pin(target.routeKey(), addresses);
    try {
      return client().send(wire.build(), handler);
    } catch (IOException e) {
      String failure = pin.failure();
      if (failure != null && String.valueOf(e.getMessage()).startsWith("Tunnel failed")) {
        ConnectException connect =
            new ConnectException(target.host() + ":" + target.port() + ": " + failure);
        connect.initCause(e);
        throw connect;
      }
      throw e;
    } finally {
      routes.unpin(pin);
    }
  }

  private HttpClient client() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("this OutboundHttp is closed");
      }
      if (client == null) {
        HttpClient.Builder b =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .proxy(routes);
        if (sslContext != null) {
          b.sslContext(sslContext);
        }
        client = b.build();
      }
      return client;
    } finally {
      lock.unlock();
    }
  }

  /** Closes connections (requests in flight fail) and the tunnel. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (client != null) {
        client.shutdownNow();
      }
    } finally {
      lock.unlock();
    }
    tunnel.close();
  }

  @Override
  public String toString() {
    return "OutboundHttp[" + policy + "]";
  }

  /** Builds an {@link OutboundHttp}. Not thread-safe. */
  public static final class Builder {
    private final List<String> allow = new ArrayList<>();
    private HostResolver resolver = HostResolver.SYSTEM;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private SSLContext sslContext;

    private Builder() {}

    /**
     * Adds allow-list entries (see {@link OutboundPolicy}): addresses, CIDR ranges, host names or
     * {@code *.domain}, each optionally with {@code :port}.
     *
     * @throws IllegalArgumentException naming an entry that does not parse
     */
    public Builder allow(String... entries) {
      for (String e : entries) {
        AllowEntry.parse(Objects.requireNonNull(e, "entry"));
        allow.add(e.strip());
      }
      return this;
    }

    /** How long connecting may take. Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** The timeout of requests that set none. Default 30 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Redirects followed; more fail the request with an {@link IOException}. 0 follows none: a
     * redirect is returned as the response. Default {@value #DEFAULT_MAX_REDIRECTS}.
     */
    public Builder maxRedirects(int maxRedirects) {
      if (maxRedirects < 0 || maxRedirects > 20) {
        throw new IllegalArgumentException("maxRedirects must be 0 to 20, was " + maxRedirects);
      }
      this.maxRedirects = maxRedirects;
      return this;
    }

    /** The TLS context (trusted certificates); default the JVM's. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** How host names are resolved; for tests that need a name to change its answer. */
    Builder resolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    public OutboundHttp build() {
      return new OutboundHttp(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
