package dev.chatsdk.core.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressKeysTest {

  @Test
  void ipv4AddressesCountAsGiven() {
    assertThat(AddressKeys.of("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(AddressKeys.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void ipv6AddressesCountByTheirSlash64() {
    String key = AddressKeys.of("2001:db8:1:2::1");

    assertThat(key).isEqualTo("20010db800010002::/64");
    assertThat(AddressKeys.of("[2001:DB8:1:2:aaaa:bbbb:cccc:dddd]")).isEqualTo(key);
    assertThat(AddressKeys.of("2001:db8:1:2::1%eth0")).isEqualTo(key);
    assertThat(AddressKeys.of("2001:db8:1:3::1")).isNotEqualTo(key);
  }

  @Test
  void otherTextIsKeptWithoutAnyLookup() {
    assertThat(AddressKeys.of("Unknown")).isEqualTo("unknown");
    assertThat(AddressKeys.of("example.invalid:8080")).isEqualTo("example.invalid:8080");
  }
}
