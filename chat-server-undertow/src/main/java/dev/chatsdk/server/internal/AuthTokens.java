package dev.chatsdk.server.internal;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where a request's bearer token comes from: {@code Authorization: Bearer} (bots), the {@value
 * #COOKIE} cookie (browsers), or for the WebSocket only the {@code access_token} query parameter
 * (clients that cannot set headers). Also writes and clears the cookie. Immutable; thread-safe.
 */
public final class AuthTokens {
  /** The auth cookie's name. */
  public static final String COOKIE = "chat_token";

  private final boolean secureCookies;

  /** Creates the helper; {@code secureCookies} adds {@code Secure} to the cookie. */
  public AuthTokens(boolean secureCookies) {
    this.secureCookies = secureCookies;
  }

  /** A token and how it was presented. */
  public record Presented(String token, boolean fromCookie) {}

  /** The presented token, if any; a Bearer header wins over the cookie. */
  public @Nullable Presented find(HttpServerExchange ex, boolean allowQuery) {
    String auth = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (auth != null) {
      String a = auth.trim();
      if (a.regionMatches(true, 0, "Bearer ", 0, 7) && a.length() > 7) {
        return new Presented(a.substring(7).trim(), false);
      }
    }
    if (allowQuery) {
      String q = Http.query(ex, "access_token");
      if (q != null && !q.isEmpty()) {
        return new Presented(q, false);
      }
    }
    Cookie cookie;
    try {
      cookie = ex.getRequestCookie(COOKIE);
    } catch (RuntimeException e) {
      // Undertow's cookie parser throws on some headers (more than 200 cookies, a "$" attribute
      // with an empty value): no usable token, rather than a 500
      return null;
    }
    if (cookie != null && cookie.getValue() != null && !cookie.getValue().isEmpty()) {
      return new Presented(cookie.getValue(), true);
    }
    return null;
  }

  /** Sets the auth cookie: {@code HttpOnly; SameSite=Strict; Path=/}, expiring with the token. */
  public void setCookie(HttpServerExchange ex, String token, Instant expiresAt) {
    long maxAge = Math.max(0, Duration.between(Instant.now(), expiresAt).getSeconds());
    ex.getResponseHeaders()
        .add(
            Headers.SET_COOKIE,
            COOKIE
                + "="
                + token
                + "; Path=/; Max-Age="
                + maxAge
                + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
  }

  /** Clears the auth cookie. */
  public void clearCookie(HttpServerExchange ex) {
    ex.getResponseHeaders()
        .add(
            Headers.SET_COOKIE,
            COOKIE
                + "=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly;"
                + " SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
  }
}
