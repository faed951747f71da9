package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import org.junit.jupiter.api.Test;

class IpRangeTest {

  private static boolean contains(String range, String address) {
    return IpRange.parse(range).contains(ClientAddresses.literal(address).getAddress());
  }

  @Test
  void aSingleAddressContainsOnlyItself() {
    assertThat(contains("10.0.0.5", "10.0.0.5")).isTrue();
    assertThat(contains("10.0.0.5", "10.0.0.6")).isFalse();
    assertThat(contains("10.0.0.5/32", "10.0.0.5")).isTrue();
    assertThat(contains("::1", "0:0:0:0:0:0:0:1")).isTrue();
    assertThat(IpRange.parse("10.0.0.5/32").toString()).isEqualTo("10.0.0.5");
  }

  @Test
  void ipv4RangesContainExactlyTheirPrefix() {
    assertThat(contains("10.0.0.0/8", "10.255.3.4")).isTrue();
    assertThat(contains("10.0.0.0/8", "11.0.0.0")).isFalse();
    assertThat(contains("192.168.4.0/22", "192.168.7.255")).isTrue();
    assertThat(contains("192.168.4.0/22", "192.168.8.0")).isFalse();
    assertThat(contains("192.168.4.0/22", "192.168.3.255")).isFalse();
    assertThat(contains("172.16.0.0/12", "172.31.200.1")).isTrue();
    assertThat(contains("172.16.0.0/12", "172.32.0.1")).isFalse();
    assertThat(contains("0.0.0.0/0", "203.0.113.9")).isTrue();
    assertThat(contains("0.0.0.0/0", "2001:db8::1")).as("no family crossing").isFalse();
  }

  @Test
  void ipv6RangesContainExactlyTheirPrefix() {
    assertThat(contains("fd00::/8", "fd12:3456::1")).isTrue();
    assertThat(contains("fd00::/8", "fe80::1")).isFalse();
    assertThat(contains("2001:db8::/33", "2001:db8:7fff::1")).isTrue();
    assertThat(contains("2001:db8::/33", "2001:db8:8000::1")).isFalse();
    assertThat(contains("[2001:db8::]/32", "2001:db8::42")).isTrue();
    assertThat(IpRange.parse("fd00::/8").toString()).isEqualTo("fd00:0:0:0:0:0:0:0/8");
  }

  @Test
  void anIpv4MappedIpv6LiteralIsTheIpv4Address() {
    assertThat(contains("10.0.0.0/8", "::ffff:10.1.2.3")).isTrue();
  }

  @Test
  void malformedRangesAndHostBitsAreRefusedWithTheCorrectForm() {
    for (String bad :
        new String[] {
          "10.0.0.0/",
          "10.0.0.0/33",
          "10.0.0.0/-1",
          "10.0.0.0/8/8",
          "::/129",
          "10.0.0.0/ 8",
          "nginx.local/8",
          "10.0.0/8",
          "/8",
          "10.0.0.0/0008"
        }) {
      assertThatThrownBy(() -> IpRange.parse(bad))
          .as(bad)
          .isInstanceOf(ChatException.class)
          .satisfies(
              e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
    assertThatThrownBy(() -> IpRange.parse("10.0.0.1/8"))
        .hasMessageContaining("expected: 10.0.0.0/8");
    assertThatThrownBy(() -> IpRange.parse("fd00::1/8"))
        .hasMessageContaining("expected: fd00:0:0:0:0:0:0:0/8");
  }

  @Test
  void everySpellingOfARangeHasOneCanonicalText() {
    assertThat(IpRange.parse(" 10.0.0.0/8 ")).hasToString("10.0.0.0/8");
    assertThat(IpRange.parse("[0:0:0:0:0:0:0:1]/128")).hasToString("0:0:0:0:0:0:0:1");
    assertThat(IpRange.parse("::1")).hasToString("0:0:0:0:0:0:0:1");
    assertThat(IpRange.parse("2001:DB8::/32")).hasToString("2001:db8:0:0:0:0:0:0/32");
  }
}
