package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Origin} allow-list: same-origin (the request's {@code Host}) plus configured origins.
 * Guards the WebSocket upgrade (cross-site WebSocket hijacking) and cookie-authenticated writes.
 * Immutable and thread-safe.
 */
public final class Origins {
  private final Set<String> allowed;

  /** An allow-list of normalised origins (see {@link #normalize(String)}). */
  public Origins(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /**
   * Normalises an origin to {@code scheme://host[:port]} in lower case, without a default port.
   *
   * @throws ChatException {@code INVALID_ARGUMENT} when it is not an http(s) origin
   */
  public static String normalize(String origin) {
    String n = normalizeOrNull(origin);
    if (n == null) {
      throw ChatException.invalid(
          "origin: '" + origin + "' (expected: http(s)://host[:port], no path)");
    }
    return n;
  }

  private static @Nullable String normalizeOrNull(String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /**
   * Whether a request with this {@code Origin} header and {@code Host} header is allowed. A request
   * without an Origin (a non-browser client) is allowed; {@code null} as the literal origin {@code
   * "null"} is not.
   */
  public boolean allows(@Nullable String origin, @Nullable String hostHeader) {
    if (origin == null) {
      return true;
    }
    String n = normalizeOrNull(origin);
    if (n == null) {
      return false;
    }
    if (allowed.contains(n)) {
      return true;
    }
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    // same-origin: the origin's authority equals the Host the browser addressed
    String authority = n.substring(n.indexOf("://") + 3);
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (authority.equals(host)) {
      return true;
    }
    // Host may carry the default port explicitly
    boolean https = n.startsWith("https://");
    return (authority + (https ? ":443" : ":80")).equals(host);
  }
}
