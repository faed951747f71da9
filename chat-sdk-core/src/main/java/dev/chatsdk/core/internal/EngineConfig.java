package dev.chatsdk.core.internal;

import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.EngineListener;
import dev.chatsdk.core.SlowMode;
import dev.chatsdk.core.protocol.ProtocolCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/** The engine's immutable options, as validated by the builder. */
public record EngineConfig(
    UserStore userStore,
    ConversationStore conversationStore,
    MessageStore messageStore,
    Authenticator authenticator,
    @Nullable ClusterBus clusterBus,
    List<MessagePolicy> policies,
    SlowMode slowMode,
    int maxBodyLength,
    double ratePerSecond,
    int rateBurst,
    int outboundQueueLimit,
    Duration typingTimeout,
    Duration reauthLead,
    Duration heartbeatInterval,
    Duration reorderTimeout,
    Clock clock,
    @Nullable ScheduledExecutorService scheduler,
    String nodeId,
    EngineListener listener,
    ProtocolCodec codec) {}
