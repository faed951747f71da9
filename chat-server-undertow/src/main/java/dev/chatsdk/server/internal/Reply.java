package dev.chatsdk.server.internal;

import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A response computed off the IO thread and sent on it: a status, an optional body with its content
 * type, and a hook that adds headers or cookies. Immutable.
 */
record Reply(
    int status,
    @Nullable String contentType,
    byte @Nullable [] body,
    @Nullable Consumer<HttpServerExchange> decorate) {

  Reply {
    if (body != null) {
      Objects.requireNonNull(contentType, "contentType");
    }
  }

  static Reply json(int status, byte[] body) {
    return new Reply(status, Http.JSON, body, null);
  }

  static Reply empty(int status) {
    return new Reply(status, null, null, null);
  }

  Reply with(Consumer<HttpServerExchange> hook) {
    Consumer<HttpServerExchange> before = decorate;
    return new Reply(
        status,
        contentType,
        body,
        before == null
            ? hook
            : ex -> {
              before.accept(ex);
              hook.accept(ex);
            });
  }
}
