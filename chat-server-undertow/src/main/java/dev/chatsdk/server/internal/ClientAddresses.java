package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The client's address for per-address limits and logs. The TCP peer, unless that peer is a
 * configured trusted proxy: then the right-most {@code X-Forwarded-For} entry that is not itself a
 * trusted proxy (entries further left were written by the client and could be forged). Trusted
 * proxies are addresses or CIDR ranges ({@code 10.0.0.0/8}: ingress controller pods change
 * address). With no trusted proxies the header is ignored. Immutable; thread-safe.
 */
public final class ClientAddresses {
  private final List<IpRange> trusted;

  /** Trusts the given proxy addresses and ranges (as {@link #normalizeAll} accepts them). */
  public ClientAddresses(Set<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(IpRange::parse).toList();
  }

  /**
   * Normalises an IP literal ({@code 10.0.0.1}, {@code ::1}); host names are refused so that no DNS
   * lookup happens.
   *
   * @throws ChatException {@code INVALID_ARGUMENT} for anything but an IP literal
   */
  public static String normalize(String ip) {
    return literal(ip).getHostAddress();
  }

  /**
   * The address an IP literal names, bracketed IPv6 included; host names are refused so that no DNS
   * lookup happens.
   *
   * @throws ChatException {@code INVALID_ARGUMENT} for anything but an IP literal
   */
  static InetAddress literal(String ip) {
    String s = ip.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    boolean literal = isDottedQuad(s) || (s.contains(":") && s.matches("[0-9A-Fa-f:.]+"));
    if (!literal) {
      throw ChatException.invalid("proxy: '" + ip + "' (expected: an IP address)");
    }
    try {
      return InetAddress.getByName(s); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw ChatException.invalid("proxy: '" + ip + "' (expected: an IP address)");
    }
  }

  /**
   * Whether {@code s} is a canonical IPv4 literal. Other digit-and-dot strings ({@code 1.2.3.4.5},
   * {@code 1.2.3.256}) are not literals to {@link InetAddress#getByName}, which would resolve them.
   */
  private static boolean isDottedQuad(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Normalises a list of proxy addresses ({@code 10.0.0.1}, {@code ::1}) and CIDR ranges ({@code
   * 10.0.0.0/8}, {@code fd00::/8}) to their canonical text.
   *
   * @throws ChatException {@code INVALID_ARGUMENT} for a host name, a malformed range, or a range
   *     with bits set past its prefix
   */
  public static Set<String> normalizeAll(List<String> proxies) {
    Set<String> out = new LinkedHashSet<>();
    for (String proxy : proxies) {
      out.add(IpRange.parse(proxy).toString());
    }
    return out;
  }

  private boolean isTrusted(byte[] address) {
    for (IpRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The client's address as the server should count it. */
  public String of(HttpServerExchange ex) {
    InetSocketAddress peer = ex.getSourceAddress();
    if (peer == null || peer.getAddress() == null) {
      return "unknown";
    }
    String address = peer.getAddress().getHostAddress();
    if (!isTrusted(peer.getAddress().getAddress())) {
      return address;
    }
    String forwarded = joined(ex);
    if (forwarded == null) {
      return address;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      InetAddress hopAddress;
      try {
        hopAddress = literal(hop);
      } catch (ChatException e) {
        return hop.isEmpty() ? address : truncate(hop); // garbage: count it as one client
      }
      if (!isTrusted(hopAddress.getAddress())) {
        return hopAddress.getHostAddress();
      }
    }
    return address;
  }

  private static @Nullable String joined(HttpServerExchange ex) {
    var values = ex.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
    if (values == null || values.isEmpty()) {
      return null;
    }
    return String.join(",", values);
  }

  private static String truncate(String s) {
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
