package dev.errand.server.webhook;

/**
 * A webhook delivery as received, before anything else: the exact body bytes (never re-serialized,
 * since signatures cover them) and the headers.
 *
 * @param headers the request's headers
 * @param body the raw body
 */
public record WebhookRequest(Headers headers, byte[] body) {
  public WebhookRequest {
    if (headers == null || body == null) {
      throw new IllegalArgumentException("headers and body are required");
    }
  }

  /** The media type of the body, lower case, without parameters ("" when absent). */
  public String mediaType() {
    return mediaTypeOf(headers.first("Content-Type").orElse(""));
  }

  /** The media type of a {@code Content-Type} value, lower case, without parameters. */
  public static String mediaTypeOf(String contentType) {
    String type = contentType == null ? "" : contentType;
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
