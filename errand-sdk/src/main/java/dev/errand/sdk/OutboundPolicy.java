package dev.errand.sdk;

import dev.errand.sdk.internal.outbound.AddressRules;
import dev.errand.sdk.internal.outbound.AddressRules.Refusal;
import dev.errand.sdk.internal.outbound.AllowEntry;
import dev.errand.sdk.internal.outbound.HostResolver;
import dev.errand.sdk.internal.outbound.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses {@link OutboundHttp} may connect to. By default every public address, and none
 * of: loopback, unspecified, private (RFC 1918, IPv6 unique local), link-local, CGNAT (100.64/10),
 * cloud metadata services (169.254.169.254, fd00:ec2::254, 100.100.100.200 and the names {@code
 * metadata.google.internal}, {@code metadata.goog}, {@code metadata}, {@code instance-data}),
 * multicast, broadcast and reserved ranges; IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4) are judged by the IPv4 address they carry.
 *
 * <p>An allow-list lets chosen ones through. Its entries are an address ({@code 10.1.2.3}), a CIDR
 * range ({@code 10.0.0.0/8}, {@code fd00::/8}), a host name ({@code api.internal}) or all names
 * under a domain ({@code *.corp.example}), each optionally with a port ({@code 10.1.2.3:8080},
 * {@code [fd00::1]:443}, {@code api.internal:8443}). A host name entry lets the name through
 * whatever it resolves to. A cloud metadata address is let through only by an entry naming that
 * exact address, never by a range or a host name.
 *
 * <p>Immutable and thread-safe.
 */
public final class OutboundPolicy {
  /** Environment variable with the worker's allow-list, comma-separated. */
  public static final String ALLOW_ENV = "ERRAND_OUTBOUND_ALLOW";

  private static final Set<String> METADATA_NAMES =
      Set.of(
          "metadata.google.internal",
          "metadata.goog",
          "metadata",
          "instance-data",
          "instance-data.ec2.internal");

  private static final OutboundPolicy DEFAULTS = new OutboundPolicy(List.of());

  /** The rules a request can break; {@link #toString()} is the rule's name in messages. */
  public enum Rule {
    /** 127.0.0.0/8, ::1. */
    LOOPBACK("loopback"),
    /** 0.0.0.0, ::. */
    UNSPECIFIED("unspecified"),
    /** 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10, 64:ff9b:1::/48. */
    PRIVATE("private"),
    /** 169.254/16, fe80::/10. */
    LINK_LOCAL("link-local"),
    /** Carrier-grade NAT, 100.64.0.0/10. */
    CGNAT("cgnat"),
    /** Cloud instance metadata services: credentials live there. */
    CLOUD_METADATA("cloud-metadata"),
    /** 224/4, ff00::/8. */
    MULTICAST("multicast"),
    /** 255.255.255.255. */
    BROADCAST("broadcast"),
    /** Other special-purpose ranges: documentation, benchmarking, 240/4, non-global IPv6. */
    RESERVED("reserved"),
    /** A URI whose scheme is not http or https. */
    SCHEME("scheme");

    private final String label;

    Rule(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private final List<AllowEntry> allow;

  private OutboundPolicy(List<AllowEntry> allow) {
    this.allow = List.copyOf(allow);
  }

  /** The default policy: public addresses only. */
  public static OutboundPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * The default policy plus an allow-list.
   *
   * @throws IllegalArgumentException naming an entry that does not parse
   */
  public static OutboundPolicy allowing(Collection<String> entries) {
    List<AllowEntry> parsed = new ArrayList<>();
    for (String e : entries) {
      parsed.add(AllowEntry.parse(e));
    }
    return new OutboundPolicy(parsed);
  }

  /** The entries of a comma-separated allow-list (blank entries skipped), not yet validated. */
  public static List<String> parseAllowList(String commaSeparated) {
    if (commaSeparated == null) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** The entries of {@value #ALLOW_ENV}; empty when it is not set. */
  public static List<String> allowListFromEnvironment() {
    return parseAllowList(System.getenv(ALLOW_ENV));
  }

  /** The allow-list's entries as written. */
  public List<String> allowList() {
    return allow.stream().map(AllowEntry::text).toList();
  }

  /**
   * The rule that refuses a connection to {@code address} on {@code port}, or empty when the policy
   * lets it through (an allow-list entry for a host name does not count here: it applies to
   * requests by name).
   */
  public Optional<Rule> refusedRule(InetAddress address, int port) {
    return Optional.ofNullable(refusal(address, port, false)).map(Refusal::rule);
  }

  /**
   * The addresses a request to {@code target} may connect to: the literal's, or every address its
   * name resolves to, all of which must pass.
   *
   * @throws OutboundRefusedException naming the first address (or name) refused
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> check(Target target, HostResolver resolver) throws UnknownHostException {
    String host = target.host();
    int port = target.port();
    if (target.isLiteral()) {
      for (InetAddress a : target.literals()) {
        Refusal r = refusal(a, port, false);
        if (r != null) {
          throw refused(target, a, r, a.getHostAddress() + " is " + describe(a, r));
        }
      }
      return List.of(target.literals().getFirst());
    }
    boolean byName = allow.stream().anyMatch(e -> e.matchesName(host, port));
    if (METADATA_NAMES.contains(host) && !byName) {
      throw new OutboundRefusedException(
          target.uri().toString(),
          host,
          null,
          Rule.CLOUD_METADATA,
          host + " is the name of a cloud metadata service (" + Rule.CLOUD_METADATA + ")");
    }
    List<InetAddress> all = List.of(resolver.resolve(host));
    for (InetAddress a : all) {
      Refusal r = refusal(a, port, byName);
      if (r != null) {
        String resolved =
            all.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
        throw refused(
            target,
            a,
            r,
            host
                + " resolved to "
                + resolved
                + ", and "
                + a.getHostAddress()
                + " is "
                + describe(a, r));
      }
    }
    return all;
  }

  private Refusal refusal(InetAddress address, int port, boolean allowedByName) {
    Optional<Refusal> found = AddressRules.check(address);
    if (found.isEmpty()) {
      return null;
    }
    Refusal r = found.get();
    InetAddress carried = r.embedded();
    if (r.rule() == Rule.CLOUD_METADATA) {
      boolean exact =
          allow.stream()
              .anyMatch(
                  e ->
                      e.isExactly(address, port)
                          || (carried != null && e.isExactly(carried, port)));
      return exact ? null : r;
    }
    boolean allowed =
        allowedByName
            || allow.stream()
                .anyMatch(
                    e ->
                        e.matchesAddress(address, port)
                            || (carried != null && e.matchesAddress(carried, port)));
    return allowed ? null : r;
  }

  private static String describe(InetAddress a, Refusal r) {
    String what = r.rule() + " (" + r.range() + ")";
    if (r.embedded() == null) {
      return what;
    }
    return r.form() + " of " + r.embedded().getHostAddress() + ", which is " + what;
  }

  private static OutboundRefusedException refused(
      Target target, InetAddress address, Refusal r, String reason) {
    return new OutboundRefusedException(
        target.uri().toString(), target.host(), address.getHostAddress(), r.rule(), reason);
  }

  @Override
  public String toString() {
    return "OutboundPolicy[allow=" + allowList() + "]";
  }
}
