package dev.chatsdk.core.auth.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Turns a client address into the key that per-address throttling counts under. An IPv6 address
 * counts by its /64 prefix, the block a single subscriber usually holds, so that rotating through
 * one's own addresses gains nothing; anything else counts as given (lower-cased).
 */
public final class AddressKeys {
  private AddressKeys() {}

  /** The throttling key of {@code remoteAddress}; never resolves a host name. */
  public static String of(String remoteAddress) {
    String address = remoteAddress.strip().toLowerCase(Locale.ROOT);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    int scope = address.indexOf('%');
    if (scope >= 0) {
      address = address.substring(0, scope);
    }
    if (address.indexOf(':') < 0 || !address.matches("[0-9a-f:.]{2,45}")) {
      return address;
    }
    try {
      // A string of only hex digits, colons and dots is parsed as a literal, never looked up.
      InetAddress parsed = InetAddress.getByName(address);
      if (parsed instanceof Inet6Address) {
        byte[] prefix = new byte[8];
        System.arraycopy(parsed.getAddress(), 0, prefix, 0, 8);
        return HexFormat.of().formatHex(prefix) + "::/64";
      }
      return parsed.getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }
}
