package dev.errand.server.api;

import java.util.List;
import java.util.Set;

/**
 * The address a request came from, for the audit log. The connection's peer address, unless that
 * peer is one of the configured trusted proxies: then the right-most address of {@code
 * X-Forwarded-For} that is not itself a trusted proxy (the left-most entries are whatever the
 * client chose to send, so they are never believed). Without trusted proxies, {@code
 * X-Forwarded-For} is ignored. Thread-safe.
 */
final class ClientAddress {
  /** Longest address kept: {@value}. */
  static final int MAX_LENGTH = 64;

  private final Set<String> trustedProxies;

  ClientAddress(Set<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  String of(String peer, String forwardedFor) {
    if (forwardedFor == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> hops = List.of(forwardedFor.split(",", -1));
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i).strip();
      if (hop.isEmpty() || hop.length() > MAX_LENGTH || TextRules.hasControl(hop)) {
        return peer; // a malformed header: keep what we know
      }
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }
}
