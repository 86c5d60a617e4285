package dev.errand.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests it refuses before Javalin sees them (a malformed URI, bad UTF-8): the
 * same {@code {"error":{"code":...,"message":...}}} body as every other error, not HTML.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    int status = response.getStatus() >= 400 ? response.getStatus() : 500;
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    ObjectNode body = Json.mapper().createObjectNode();
    body.putObject("error")
        .put("code", HttpApi.codeOf(status))
        .put("message", message == null ? "request refused" : message.toString());
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(Json.mapper().writeValueAsBytes(body)), callback);
    return true;
  }
}
