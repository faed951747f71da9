package dev.chatsdk.client.internal;

import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.ReconnectPolicy;
import dev.chatsdk.client.TokenProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The validated options of one client, as the public builder collected them.
 *
 * @param webSocketUri the {@code /ws} address
 * @param tokens the token source
 * @param listener the event listener
 * @param connectTimeout bound on handshake plus {@code hello}
 * @param sendTimeout how long a send may stay unacknowledged before its future fails
 * @param heartbeatInterval ping interval until the server's {@code hello} names one
 * @param reconnectPolicy backoff between attempts
 * @param executor the application's executor for listener calls, or null for the client's own
 * @param maxPendingSends outbox capacity
 * @param historyPageSize page size when filling gaps from history
 */
public record ClientConfig(
    URI webSocketUri,
    TokenProvider tokens,
    ChatListener listener,
    Duration connectTimeout,
    Duration sendTimeout,
    Duration heartbeatInterval,
    ReconnectPolicy reconnectPolicy,
    @Nullable Executor executor,
    int maxPendingSends,
    int historyPageSize) {}
