package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One IP address or a CIDR range of them ({@code 10.0.0.5}, {@code 10.0.0.0/8}, {@code fd00::/8}),
 * parsed from literals only: no DNS lookup ever happens. IPv4 and IPv6 ranges never contain each
 * other's addresses, except that an IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.5}) is the IPv4
 * address. Immutable; thread-safe.
 */
final class IpRange {
  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses an address or a range. A range's address must have no bits set past its prefix ({@code
   * 10.0.0.1/8} is refused, naming {@code 10.0.0.0/8}), so that a typo cannot widen what is trusted
   * unnoticed.
   *
   * @throws ChatException {@code INVALID_ARGUMENT} for anything else
   */
  static IpRange parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = ClientAddresses.literal(address).getAddress();
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = s.substring(slash + 1);
      if (length.isEmpty()
          || length.length() > 3
          || !length.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(length) > bits) {
        throw ChatException.invalid(
            "proxy: '" + text + "' (expected: a prefix length of 0.." + bits + " after '/')");
      }
      prefix = Integer.parseInt(length);
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw ChatException.invalid(
          "proxy: '"
              + text
              + "' has bits set past its prefix (expected: "
              + new IpRange(masked, prefix)
              + ")");
    }
    return new IpRange(masked, prefix);
  }

  /** Whether {@code address} (4 or 16 bytes) lies in this range. */
  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    for (int i = 0; i < address.length; i++) {
      if (((address[i] ^ network[i]) & byteMask(i, prefix)) != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (out[i] & byteMask(i, prefix));
    }
    return out;
  }

  /** The bits of byte {@code i} that a prefix of {@code prefix} bits keeps. */
  private static int byteMask(int i, int prefix) {
    int keep = Math.max(0, Math.min(8, prefix - i * 8));
    return (0xFF00 >> keep) & 0xFF;
  }

  /** The canonical text: the address alone for a single address, else {@code address/prefix}. */
  @Override
  public String toString() {
    String address;
    try {
      address = InetAddress.getByAddress(network).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
    return prefix == network.length * 8 ? address : address + "/" + prefix;
  }
}
