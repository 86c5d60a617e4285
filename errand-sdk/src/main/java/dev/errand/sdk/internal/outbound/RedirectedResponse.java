package dev.errand.sdk.internal.outbound;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A response reached through redirects: {@link #previousResponse()} gives the one before it. */
public record RedirectedResponse<T>(HttpResponse<T> last, HttpResponse<T> previous)
    implements HttpResponse<T> {
  @Override
  public int statusCode() {
    return last.statusCode();
  }

  @Override
  public HttpRequest request() {
    return last.request();
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.of(previous);
  }

  @Override
  public HttpHeaders headers() {
    return last.headers();
  }

  @Override
  public T body() {
    return last.body();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return last.sslSession();
  }

  @Override
  public URI uri() {
    return last.uri();
  }

  @Override
  public HttpClient.Version version() {
    return last.version();
  }
}
