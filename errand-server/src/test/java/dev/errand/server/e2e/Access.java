package dev.errand.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.internal.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** HTTP calls of the admin API and of any route with any bearer token, for the access tests. */
final class Access {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  Access(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** {@code method path} with {@code body} (none when null) and bearer {@code token}. */
  HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A call that must answer {@code status}; its JSON body (null when empty). */
  JsonNode expect(int status, String method, String path, String body, String token)
      throws Exception {
    HttpResponse<String> response = call(method, path, body, token);
    assertThat(response.statusCode())
        .as("%s %s: %s", method, path, response.body())
        .isEqualTo(status);
    return response.body().isEmpty() ? null : Json.mapper().readTree(response.body());
  }

  /** Creates a project with dev, staging and prod. */
  JsonNode createProject(String slug) throws Exception {
    return expect(
        201,
        "POST",
        "/api/v1/admin/projects",
        "{\"slug\": \"" + slug + "\"}",
        ServerTestBase.ADMIN_TOKEN);
  }

  static String keysPath(String project, String environment) {
    return "/api/v1/admin/projects/" + project + "/environments/" + environment + "/keys";
  }

  /** Creates a key; its JSON, with the secret in {@code key}. */
  JsonNode createKey(String project, String environment, String name, String type)
      throws Exception {
    return expect(
        201,
        "POST",
        keysPath(project, environment),
        "{\"name\": \"%s\", \"type\": \"%s\"}".formatted(name, type),
        ServerTestBase.ADMIN_TOKEN);
  }

  /** Creates a key and returns its secret. */
  String newKey(String project, String environment, String name, String type) throws Exception {
    return createKey(project, environment, name, type).path("key").asText();
  }
}
