package dev.errand.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.HttpTransport;
import dev.errand.sdk.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

/**
 * Waitpoint tokens from outside a task: create one for a run to wait on, complete it with data
 * (say, from an approval UI), read and list them. Get it from {@link ErrandClient#waitpoints()}.
 * Inside a task, use {@link TaskContext#createToken} and {@link TaskContext#waitForToken}.
 * Thread-safe.
 */
public final class Waitpoints {
  private static final String TOKENS = "/api/v1/waitpoints/tokens";

  private final HttpTransport transport;
  private final ObjectMapper mapper = Json.mapper();

  Waitpoints(HttpTransport transport) {
    this.transport = transport;
  }

  /**
   * Creates a token. A second call with the same {@code idempotencyKey} returns the first token.
   *
   * @param timeout how long until it times out; null for never
   * @param idempotencyKey null for none
   * @param tags null or up to 10 labels
   */
  public WaitToken createToken(Duration timeout, String idempotencyKey, List<String> tags) {
    ObjectNode body = mapper.createObjectNode();
    if (timeout != null) {
      body.put("timeout", timeout.toString());
    }
    if (idempotencyKey != null) {
      body.put("idempotencyKey", idempotencyKey);
    }
    if (tags != null) {
      tags.forEach(body.putArray("tags")::add);
    }
    return transport.post(TOKENS, body, WaitToken.class);
  }

  /**
   * Completes a waiting token with {@code data} (any value Jackson can write, or null); the runs
   * waiting on it resume with it.
   *
   * @throws ErrandApiException 409 ({@code token_already_completed}) when it was already completed
   *     or timed out; 404 for an unknown token
   */
  public WaitToken completeToken(String tokenId, Object data) {
    ObjectNode body = mapper.createObjectNode();
    body.set("data", mapper.valueToTree(data));
    return transport.post(TOKENS + "/" + Runs.encode(tokenId) + "/complete", body, WaitToken.class);
  }

  public WaitToken getToken(String tokenId) {
    return transport.get(
        TOKENS + "/" + Runs.encode(tokenId), mapper.constructType(WaitToken.class));
  }

  /**
   * Tokens newest first.
   *
   * @param status {@code WAITING}, {@code COMPLETED}, {@code TIMED_OUT} or null for all
   * @param limit 1 to 100, or null for the default
   * @param cursor a page's {@code nextCursor}, or null for the first page
   */
  public TokenPage listTokens(String status, Integer limit, String cursor) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    Runs.add(q, "status", status);
    Runs.add(q, "limit", limit);
    Runs.add(q, "cursor", cursor);
    return transport.get(TOKENS + q, mapper.constructType(TokenPage.class));
  }
}
