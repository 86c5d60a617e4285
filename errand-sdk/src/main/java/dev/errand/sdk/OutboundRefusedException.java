package dev.errand.sdk;

import dev.errand.sdk.internal.outbound.AllowEntry;

/**
 * {@link OutboundHttp} refused a request before connecting: its URI's scheme is not http or https,
 * or its host is, or resolves to, an address the {@link OutboundPolicy} refuses (loopback, private,
 * link-local, CGNAT, cloud metadata and the like), directly or after a redirect. The message names
 * the host, the address, the rule and the allow-list entry that would let the request through.
 *
 * <p>Non-retryable: the policy is the worker's configuration, so every later attempt would be
 * refused the same way. Thrown from a task (and not wrapped), it fails the run at once; once the
 * allow-list is fixed, retry the run by hand and it resumes after its last recorded step.
 */
public class OutboundRefusedException extends NonRetryableException {
  private static final long serialVersionUID = 1L;

  private final String uri;
  private final String host;
  private final String address;
  private final OutboundPolicy.Rule rule;

  /**
   * @param uri the URI refused
   * @param host the host as written in it, or null when the scheme was refused
   * @param address the address that broke the rule, or null when none was involved
   * @param rule the rule broken
   * @param reason what broke the rule, such as {@code 127.0.0.1 is loopback (127.0.0.0/8)}
   */
  public OutboundRefusedException(
      String uri, String host, String address, OutboundPolicy.Rule rule, String reason) {
    this(
        uri,
        host,
        address,
        rule,
        "refused request to " + uri + ": " + reason + hint(rule, host, address),
        null);
  }

  private OutboundRefusedException(
      String uri,
      String host,
      String address,
      OutboundPolicy.Rule rule,
      String message,
      Throwable cause) {
    super(message, cause);
    this.uri = uri;
    this.host = host;
    this.address = address;
    this.rule = rule;
  }

  private static String hint(OutboundPolicy.Rule rule, String host, String address) {
    if (rule == OutboundPolicy.Rule.SCHEME) {
      return "";
    }
    boolean literal = host == null || host.contains(":") || AllowEntry.looksNumeric(host);
    String entry =
        rule == OutboundPolicy.Rule.CLOUD_METADATA || literal
            ? "'" + address + "'"
            : address == null ? "'" + host + "'" : "'" + host + "' or '" + address + "'";
    if (rule == OutboundPolicy.Rule.CLOUD_METADATA && address == null) {
      entry = "the metadata service's exact address";
    }
    return ". If the task should reach it, add "
        + entry
        + " (or a CIDR range, a host name, optionally with :port) to the outbound allow-list: "
        + OutboundPolicy.ALLOW_ENV
        + ", ErrandWorker.Builder.outboundAllow(...) or OutboundHttp.Builder.allow(...)";
  }

  /** This refusal, met on a redirect from {@code from}. */
  OutboundRefusedException redirectedFrom(String from) {
    return new OutboundRefusedException(
        uri, host, address, rule, "redirect from " + from + ": " + getMessage(), this);
  }

  /** The URI refused (after redirects, the one redirected to). */
  public String uri() {
    return uri;
  }

  /** The host as written in the URI; null when the scheme was refused. */
  public String host() {
    return host;
  }

  /** The address that broke the rule ({@code 127.0.0.1}), or null when none was involved. */
  public String address() {
    return address;
  }

  /** The rule the request broke. */
  public OutboundPolicy.Rule rule() {
    return rule;
  }
}
