package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.errand.sdk.OutboundPolicy.Rule;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The address policy on a table of addresses: each range, its edges, the IPv6 forms, the
 * allow-list.
 */
class OutboundPolicyTest {

  /** An address and the rule the default policy refuses it by (null: allowed). */
  private record Row(String address, Rule expected) {}

  private static Row refused(String address, Rule rule) {
    return new Row(address, rule);
  }

  private static Row allowed(String address) {
    return new Row(address, null);
  }

  private static final List<Row> TABLE =
      List.of(
          // loopback and unspecified
          refused("127.0.0.1", Rule.LOOPBACK),
          refused("127.0.0.0", Rule.LOOPBACK),
          refused("127.255.255.255", Rule.LOOPBACK),
          allowed("126.255.255.255"),
          allowed("128.0.0.0"),
          refused("0.0.0.0", Rule.UNSPECIFIED),
          refused("0.1.2.3", Rule.RESERVED),
          refused("::1", Rule.LOOPBACK),
          refused("::", Rule.UNSPECIFIED),
          // private
          refused("10.0.0.0", Rule.PRIVATE),
          refused("10.0.0.1", Rule.PRIVATE),
          refused("10.255.255.255", Rule.PRIVATE),
          allowed("9.255.255.255"),
          allowed("11.0.0.0"),
          refused("172.16.0.0", Rule.PRIVATE),
          refused("172.31.255.255", Rule.PRIVATE),
          allowed("172.15.255.255"),
          allowed("172.32.0.0"),
          refused("192.168.0.0", Rule.PRIVATE),
          refused("192.168.255.255", Rule.PRIVATE),
          allowed("192.167.255.255"),
          allowed("192.169.0.0"),
          refused("fc00::", Rule.PRIVATE),
          refused("fd12:3456::1", Rule.PRIVATE),
          refused("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Rule.PRIVATE),
          refused("fec0::1", Rule.PRIVATE),
          // link-local and cloud metadata
          refused("169.254.0.0", Rule.LINK_LOCAL),
          refused("169.254.255.255", Rule.LINK_LOCAL),
          refused("169.254.170.2", Rule.LINK_LOCAL),
          allowed("169.253.255.255"),
          allowed("169.255.0.0"),
          refused("fe80::1", Rule.LINK_LOCAL),
          refused("febf:ffff::1", Rule.LINK_LOCAL),
          refused("169.254.169.254", Rule.CLOUD_METADATA),
          refused("100.100.100.200", Rule.CLOUD_METADATA),
          refused("fd00:ec2::254", Rule.CLOUD_METADATA),
          // CGNAT
          refused("100.64.0.0", Rule.CGNAT),
          refused("100.127.255.255", Rule.CGNAT),
          allowed("100.63.255.255"),
          allowed("100.128.0.0"),
          // multicast, broadcast, reserved
          refused("224.0.0.1", Rule.MULTICAST),
          refused("239.255.255.255", Rule.MULTICAST),
          refused("255.255.255.255", Rule.BROADCAST),
          refused("240.0.0.1", Rule.RESERVED),
          refused("192.0.2.1", Rule.RESERVED),
          refused("198.18.0.1", Rule.RESERVED),
          refused("198.51.100.7", Rule.RESERVED),
          refused("203.0.113.9", Rule.RESERVED),
          refused("192.0.0.8", Rule.RESERVED),
          refused("ff02::1", Rule.MULTICAST),
          refused("2001:db8::1", Rule.RESERVED),
          refused("100::1", Rule.RESERVED),
          refused("4000::1", Rule.RESERVED),
          // IPv6 forms that carry an IPv4 address
          refused("::ffff:127.0.0.1", Rule.LOOPBACK),
          refused("::ffff:169.254.169.254", Rule.CLOUD_METADATA),
          refused("::ffff:10.0.0.1", Rule.PRIVATE),
          refused("::127.0.0.1", Rule.LOOPBACK),
          refused("::10.1.2.3", Rule.PRIVATE),
          refused("::ffff:0:127.0.0.1", Rule.LOOPBACK),
          refused("64:ff9b::127.0.0.1", Rule.LOOPBACK),
          refused("64:ff9b::a9fe:a9fe", Rule.CLOUD_METADATA),
          refused("64:ff9b::10.0.0.1", Rule.PRIVATE),
          refused("64:ff9b:1::1", Rule.PRIVATE),
          refused("2002:7f00:1::", Rule.LOOPBACK),
          refused("2002:c0a8:101::1", Rule.PRIVATE),
          allowed("::ffff:8.8.8.8"),
          allowed("64:ff9b::8.8.8.8"),
          allowed("2002:808:808::1"),
          // public
          allowed("8.8.8.8"),
          allowed("1.1.1.1"),
          allowed("93.184.216.34"),
          allowed("2606:4700:4700::1111"),
          allowed("2a00:1450:4001:81c::200e"));

  @Test
  void theDefaultPolicyRefusesEachRangeUpToItsEdgesAndAllowsPublicAddresses() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Row row : TABLE) {
      Optional<Rule> got =
          OutboundPolicy.defaults().refusedRule(InetAddress.getByName(row.address()), 443);
      if (!got.equals(Optional.ofNullable(row.expected()))) {
        wrong.add(row.address() + ": expected " + row.expected() + ", got " + got.orElse(null));
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void anAllowListLetsAddressesRangesAndPortsThrough() throws Exception {
    OutboundPolicy policy =
        OutboundPolicy.allowing(
            List.of("10.1.2.3", "192.168.0.0/16", "172.16.5.5:8080", "[fd00::1]:443", "fd12::/16"));
    assertThat(policy.refusedRule(InetAddress.getByName("10.1.2.3"), 80)).isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("10.1.2.4"), 80)).contains(Rule.PRIVATE);
    assertThat(policy.refusedRule(InetAddress.getByName("192.168.44.1"), 22)).isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("172.16.5.5"), 8080)).isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("172.16.5.5"), 8081))
        .as("the entry names port 8080 only")
        .contains(Rule.PRIVATE);
    assertThat(policy.refusedRule(InetAddress.getByName("fd00::1"), 443)).isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("fd00::1"), 80)).contains(Rule.PRIVATE);
    assertThat(policy.refusedRule(InetAddress.getByName("fd12:abcd::9"), 80)).isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("::ffff:10.1.2.3"), 80))
        .as("mapped form of an allowed address")
        .isEmpty();
    assertThat(policy.refusedRule(InetAddress.getByName("127.0.0.1"), 80)).contains(Rule.LOOPBACK);
  }

  @Test
  void cloudMetadataIsLetThroughOnlyByItsExactAddress() throws Exception {
    InetAddress metadata = InetAddress.getByName("169.254.169.254");
    assertThat(OutboundPolicy.allowing(List.of("169.254.0.0/16")).refusedRule(metadata, 80))
        .as("a range does not unlock the metadata service")
        .contains(Rule.CLOUD_METADATA);
    assertThat(OutboundPolicy.allowing(List.of("0.0.0.0/0")).refusedRule(metadata, 80))
        .contains(Rule.CLOUD_METADATA);
    assertThat(
            OutboundPolicy.allowing(List.of("169.254.0.0/16"))
                .refusedRule(InetAddress.getByName("169.254.1.1"), 80))
        .isEmpty();
    assertThat(OutboundPolicy.allowing(List.of("169.254.169.254")).refusedRule(metadata, 80))
        .isEmpty();
  }

  @Test
  void malformedAllowListEntriesAreRefusedNamingTheEntry() {
    for (String bad :
        List.of(
            "10.0.0.0/33",
            "127.1",
            "0x7f000001",
            "10.0.0.1:0",
            "10.0.0.1:70000",
            "[::1",
            "bad host",
            "fd00::/129",
            "")) {
      assertThatThrownBy(() -> OutboundPolicy.allowing(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void parsesCommaSeparatedAllowLists() {
    assertThat(OutboundPolicy.parseAllowList(" 10.0.0.1, api.internal:8443,,*.corp.example "))
        .containsExactly("10.0.0.1", "api.internal:8443", "*.corp.example");
    assertThat(OutboundPolicy.parseAllowList(null)).isEmpty();
    assertThat(
            OutboundPolicy.allowing(OutboundPolicy.parseAllowList("10.0.0.1,api.internal"))
                .allowList())
        .containsExactly("10.0.0.1", "api.internal");
  }

  @Test
  void theWorkerBuilderValidatesItsAllowListAndGivesItToTheTasksClient() {
    Task<String, String> task = Task.define("t", String.class, String.class).run((in, ctx) -> in);
    ErrandClient client =
        ErrandClient.builder().apiUrl("http://127.0.0.1:1").secretKey("sk_test_x").build();
    assertThatThrownBy(() -> ErrandWorker.builder().outboundAllow("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.0.0.0/33'");
    try (ErrandWorker worker =
        ErrandWorker.builder()
            .client(client)
            .register(task)
            .outboundAllow("10.0.0.0/8", "api.internal:8443")
            .build()) {
      assertThat(worker.outboundHttp().policy().allowList())
          .containsSubsequence("10.0.0.0/8", "api.internal:8443");
    }
  }
}
