package dev.errand.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import dev.errand.server.engine.RunIds;
import dev.errand.server.store.WebhookDeliveryRecord;
import dev.errand.server.store.WebhookEndpointRecord;
import dev.errand.server.webhook.Route;
import dev.errand.server.webhook.WebhookBodies;
import dev.errand.server.webhook.WebhookEndpoint;
import java.util.Base64;

/** The API's JSON for webhook endpoints and deliveries. Secrets never appear in it. */
final class WebhookJson {
  private WebhookJson() {}

  static ObjectNode endpoint(WebhookEndpoint e, String baseUrl) {
    WebhookEndpointRecord r = e.record();
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", r.id());
    n.put("name", r.name());
    n.put("url", baseUrl + "/webhooks/" + r.id());
    n.put("enabled", r.enabled());
    n.set("verifier", e.verifierConfig().toJson());
    n.put("verified", e.verifier().verifies());
    n.set("routes", Route.listToJson(e.routes()));
    if (e.deliveryIdSource().isPresent()) {
      n.set("deliveryId", e.deliveryIdSource().get().toJson());
    } else {
      n.putNull("deliveryId");
    }
    n.put("dedupWindowSeconds", r.dedupWindowMillis() / 1000);
    n.put("maxBodyBytes", r.maxBodyBytes());
    if (r.rateLimit() == null) {
      n.putNull("rateLimit");
    } else {
      n.putObject("rateLimit")
          .put("limit", r.rateLimit())
          .put("windowSeconds", r.rateWindowMillis() / 1000);
    }
    var secrets = n.putArray("secrets");
    for (WebhookEndpointRecord.Secret s : r.secrets()) {
      ObjectNode secret = secrets.addObject();
      secret.put("version", s.version());
      secret.put("createdAt", String.valueOf(s.createdAt()));
      secret.put("expiresAt", s.expiresAt() == null ? null : s.expiresAt().toString());
    }
    n.put("createdAt", String.valueOf(r.createdAt()));
    n.put("updatedAt", String.valueOf(r.updatedAt()));
    return n;
  }

  static ObjectNode delivery(WebhookDeliveryRecord d) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", RunIds.formatDelivery(d.id()));
    n.put("endpointId", d.endpointId());
    n.put("status", d.status().wire());
    n.put("receivedAt", String.valueOf(d.receivedAt()));
    n.put("providerDeliveryId", d.deliveryKey());
    n.put("duplicateOf", d.duplicateOf() == null ? null : RunIds.formatDelivery(d.duplicateOf()));
    n.put("replayOf", d.replayOf() == null ? null : RunIds.formatDelivery(d.replayOf()));
    n.put("verified", d.verified());
    n.put("reason", d.reason());
    n.put("contentType", d.contentType());
    n.set("headers", tree(d.headersJson()));
    if (d.body() != null) {
      String text = WebhookBodies.rawBodyText(d.body());
      n.put("body", text);
      n.put("bodyBase64", text == null ? Base64.getEncoder().encodeToString(d.body()) : null);
      n.put("bodyBytes", d.body().length);
      var runs = n.putArray("runs");
      for (var run : d.runs()) {
        runs.addObject()
            .put("id", RunIds.format(run.runId()))
            .put("task", run.taskId())
            .put("route", run.route());
      }
    }
    return n;
  }

  private static JsonNode tree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers are not JSON", e);
    }
  }
}
