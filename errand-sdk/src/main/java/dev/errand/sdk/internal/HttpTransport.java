package dev.errand.sdk.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.errand.sdk.ErrandApiException;
import dev.errand.sdk.ErrandException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * JSON over HTTP to the Errand server with the secret key; turns error bodies into {@link
 * ErrandApiException}. Thread-safe.
 */
public final class HttpTransport {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Most times one request is sent again after a 429 with a short {@code Retry-After}. */
  private static final int MAX_RATE_LIMITED_RETRIES = 3;

  /** Longest {@code Retry-After} the client waits out by itself: 10 seconds. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

  private final URI baseUri;
  private final String authorization;
  private final HttpClient http;
  private final ObjectMapper mapper = Json.mapper();

  public HttpTransport(URI baseUri, String secretKey) {
    String base = baseUri.toString();
    this.baseUri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.authorization = "Bearer " + secretKey;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  public URI baseUri() {
    return baseUri;
  }

  public <T> T post(String path, Object body, Class<T> responseType) {
    return post(path, body, mapper.constructType(responseType), REQUEST_TIMEOUT);
  }

  /** POSTs {@code body} as JSON; {@code timeout} bounds the whole exchange (for long polls). */
  public <T> T post(String path, Object body, JavaType responseType, Duration timeout) {
    return send(withBody("POST", path, body, timeout), responseType);
  }

  /** PUTs {@code body} as JSON. */
  public <T> T put(String path, Object body, JavaType responseType) {
    return send(withBody("PUT", path, body, REQUEST_TIMEOUT), responseType);
  }

  public <T> T get(String path, JavaType responseType) {
    return send(request(path, REQUEST_TIMEOUT).GET().build(), responseType);
  }

  /** DELETE, for resources that answer 204 and no body. */
  public void delete(String path) {
    send(request(path, REQUEST_TIMEOUT).DELETE().build(), null);
  }

  private HttpRequest withBody(String method, String path, Object body, Duration timeout) {
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new ErrandException(
          "could not serialize request to " + path + ": " + e.getMessage(), e);
    }
    return request(path, timeout)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(json))
        .build();
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(baseUri + path))
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("Accept", "application/json");
  }

  /** The answer read as {@code responseType}; null when that is null (no body expected). */
  private <T> T send(HttpRequest request, JavaType responseType) {
    HttpResponse<byte[]> response;
    int rateLimited = 0;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      // 429: the server refused before doing anything, so the same request may go again
      long wait;
      while ((wait = retryAfterMillis(response)) >= 0 && rateLimited++ < MAX_RATE_LIMITED_RETRIES) {
        Thread.sleep(wait);
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ErrandException("interrupted during " + describe(request), e);
    } catch (IOException e) {
      throw new ErrandException(
          describe(request) + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
    if (response.statusCode() >= 400) {
      throw apiError(response);
    }
    if (responseType == null) {
      return null;
    }
    try {
      return mapper.readValue(response.body(), responseType);
    } catch (IOException e) {
      throw new ErrandException("unreadable response to " + describe(request), e);
    }
  }

  /**
   * How long to wait before sending a rate-limited (429) request again: its {@code Retry-After}
   * seconds, when they are at most {@link #MAX_RETRY_AFTER}; -1 for any other answer.
   */
  static long retryAfterMillis(HttpResponse<?> response) {
    if (response.statusCode() != 429) {
      return -1;
    }
    try {
      long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("-1"));
      return seconds >= 0 && seconds <= MAX_RETRY_AFTER.toSeconds() ? seconds * 1_000 : -1;
    } catch (NumberFormatException e) {
      return -1; // an HTTP date or garbage: leave the 429 to the caller
    }
  }

  private ErrandApiException apiError(HttpResponse<byte[]> response) {
    String code = "http_" + response.statusCode();
    String message = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      JsonNode error = mapper.readTree(response.body()).path("error");
      if (error.isObject()) {
        code = error.path("code").asText(code);
        message = error.path("message").asText(message);
      }
    } catch (IOException ignored) {
      // not JSON: keep the raw body as the message
    }
    return new ErrandApiException(response.statusCode(), code, message);
  }

  private static String describe(HttpRequest request) {
    return request.method() + " " + request.uri();
  }
}
