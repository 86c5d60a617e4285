package dev.errand.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The Errand HTTP API as the CLI calls it: JSON in, JSON out, {@code Authorization: Bearer}. A
 * refusal is an {@link ApiException}, no answer a {@link ServerUnreachableException}. Thread-safe.
 */
public final class ApiClient {
  /** How long to wait for a connection: 10 s. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long to wait for an answer: 30 s. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String baseUrl;
  private final String secretKey;
  private final HttpClient http;

  ApiClient(String baseUrl, String secretKey) {
    this.baseUrl = stripTrailingSlash(baseUrl);
    if (!this.baseUrl.startsWith("http://") && !this.baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException(
          "the API URL must start with http:// or https://, was '" + baseUrl + "'");
    }
    this.secretKey = secretKey;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** The server's URL, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  /** POSTs {@code body} (null: an empty JSON object). */
  public JsonNode post(String path, JsonNode body) {
    return send("POST", path, body == null ? MAPPER.createObjectNode() : body);
  }

  public JsonNode put(String path, JsonNode body) {
    return send("PUT", path, body);
  }

  public JsonNode patch(String path, JsonNode body) {
    return send("PATCH", path, body);
  }

  /** DELETE; null, since the API answers 204. */
  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /** A path segment, percent-encoded, for ids typed by people. */
  public static String segment(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + secretKey)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("timed out connecting", e);
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      throw unreachable("connection refused", e);
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling " + baseUrl + path, e);
    }
    return answer(response);
  }

  private static JsonNode answer(HttpResponse<String> response) {
    int status = response.statusCode();
    String text = response.body();
    JsonNode json = null;
    if (text != null && !text.isBlank()) {
      try {
        json = MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        if (status < 400) {
          throw new IllegalStateException(
              "the server answered HTTP " + status + " with a body that is not JSON", e);
        }
      }
    }
    if (status >= 400) {
      JsonNode error = json == null ? null : json.path("error");
      if (error != null && error.hasNonNull("code")) {
        throw new ApiException(
            status, error.path("code").asText(), error.path("message").asText("(no message)"));
      }
      throw new ApiException(status, "http_error", abbreviate(text));
    }
    return json;
  }

  private ServerUnreachableException unreachable(String why, Exception cause) {
    return new ServerUnreachableException(
        "cannot reach the Errand server at "
            + baseUrl
            + ": "
            + why
            + " (is it running? `errand dev` starts one; --api-url or $ERRAND_API_URL names"
            + " another)",
        cause);
  }

  private static String abbreviate(String text) {
    if (text == null || text.isBlank()) {
      return "(empty body)";
    }
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  private static String stripTrailingSlash(String url) {
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }
}
