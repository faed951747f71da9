package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Response helpers shared by every handler: JSON bodies, the JSON error shape {@code
 * {"error":{"code","message"}}} with the status of its {@link ErrorCode}, and the security headers
 * every response carries. Stateless.
 */
public final class Http {
  private static final Logger log = LoggerFactory.getLogger(Http.class);

  /** {@code application/json; charset=utf-8}. */
  public static final String JSON = "application/json; charset=utf-8";

  static final HttpString X_CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");
  static final HttpString X_FRAME_OPTIONS = new HttpString("X-Frame-Options");
  static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
  static final HttpString CONTENT_SECURITY_POLICY = new HttpString("Content-Security-Policy");
  static final HttpString RETRY_AFTER = new HttpString("Retry-After");

  private Http() {}

  /** Headers every response carries: no sniffing, no framing, no referrer leaks. */
  public static void securityHeaders(HeaderMap headers) {
    headers.put(X_CONTENT_TYPE_OPTIONS, "nosniff");
    headers.put(X_FRAME_OPTIONS, "DENY");
    headers.put(REFERRER_POLICY, "no-referrer");
  }

  /** Sends a JSON body with a status; API responses are never cached. */
  public static void json(HttpServerExchange ex, int status, byte[] body) {
    if (ex.isResponseStarted()) {
      ex.endExchange();
      return;
    }
    ex.setStatusCode(status);
    HeaderMap h = ex.getResponseHeaders();
    h.put(Headers.CONTENT_TYPE, JSON);
    h.put(Headers.CACHE_CONTROL, "no-store");
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** Sends an empty response with a status. */
  public static void empty(HttpServerExchange ex, int status) {
    ex.setStatusCode(status);
    if (!ex.getResponseHeaders().contains(Headers.CACHE_CONTROL)) {
      ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    }
    ex.endExchange();
  }

  /** Sends the error response for a failure (unwrapping completion wrappers). */
  public static void error(HttpServerExchange ex, Throwable failure) {
    ChatException e = toChatException(failure);
    if (e instanceof RateLimitedException rl) {
      long seconds = Math.max(1, (rl.retryAfter().toMillis() + 999) / 1000);
      ex.getResponseHeaders().put(RETRY_AFTER, Long.toString(seconds));
    }
    if (e.code() == ErrorCode.UNAUTHENTICATED || e.code() == ErrorCode.TOKEN_EXPIRED) {
      ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
    }
    json(ex, e.code().httpStatus(), errorBody(e));
  }

  /** The JSON error body: {@code {"error":{"code":...,"message":...}}}. */
  public static byte[] errorBody(ChatException e) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{\"error\":{\"code\":");
    quote(sb, e.code().wireName());
    sb.append(",\"message\":");
    quote(sb, e.getMessage() == null ? e.code().wireName() : e.getMessage());
    sb.append(",\"retryable\":").append(e.retryable());
    if (e instanceof RateLimitedException rl) {
      sb.append(",\"retryAfterMs\":").append(rl.retryAfter().toMillis());
    }
    sb.append("}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Maps any failure to a {@link ChatException}: chat exceptions pass through (unwrapped), an
   * oversized body is {@code TOO_LARGE}, a full executor is {@code UNAVAILABLE}, anything else is
   * logged and becomes {@code INTERNAL} without leaking details.
   */
  public static ChatException toChatException(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ChatException ce) {
      return ce;
    }
    if (t instanceof RequestTooBigException) {
      return new ChatException(ErrorCode.TOO_LARGE, "body: too large (" + t.getMessage() + ")");
    }
    if (t instanceof RejectedExecutionException) {
      return new ChatException(ErrorCode.UNAVAILABLE, "server busy: retry later");
    }
    log.error("unexpected failure", t);
    return new ChatException(ErrorCode.INTERNAL, "internal error");
  }

  /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A path parameter captured by the router. */
  public static String pathParam(HttpServerExchange ex, String name) {
    // the router's match, not the query string (which could carry a parameter of the same name)
    PathTemplateMatch match = ex.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String value = match == null ? null : match.getParameters().get(name);
    if (value == null) {
      Deque<String> values = ex.getPathParameters().get(name);
      value = values == null || values.isEmpty() ? null : values.getFirst();
    }
    if (value == null || value.isEmpty()) {
      throw ChatException.invalid(name + ": missing in the path");
    }
    return value;
  }

  /** A query parameter, if present (the first value). */
  public static @Nullable String query(HttpServerExchange ex, String name) {
    Deque<String> values = ex.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  /** Appends {@code value} as a JSON string literal. */
  static void quote(StringBuilder sb, String value) {
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
