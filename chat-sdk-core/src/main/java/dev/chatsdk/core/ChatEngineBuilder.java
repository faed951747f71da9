package dev.chatsdk.core;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.internal.DefaultChatEngine;
import dev.chatsdk.core.internal.EngineConfig;
import dev.chatsdk.core.memory.InMemoryPresenceRegistry;
import dev.chatsdk.core.protocol.ProtocolCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Configures and builds a {@link ChatEngine}. Obtain one with {@link ChatEngine#builder()}.
 *
 * <p>Required: {@link #userStore}, {@link #conversationStore}, {@link #messageStore} and {@link
 * #authenticator}. Everything else has a default, named by a {@code DEFAULT_*} constant. Without a
 * {@link #clusterBus} the engine is single-node.
 *
 * <p>A builder is not thread-safe; use it from one thread, then share the engine it builds. {@link
 * #build()} may be called more than once; each call makes an independent engine.
 *
 * <pre>{@code
 * SlowMode slowMode = SlowMode.create();
 * ChatEngine engine = ChatEngine.builder()
 *     .userStore(users)
 *     .conversationStore(conversations)
 *     .messageStore(messages)
 *     .authenticator(jwtAuthenticator)
 *     .clusterBus(redisBus)                 // optional: several nodes
 *     .addPolicy(new ProfanityFilter())     // optional: host policies, in order
 *     .slowMode(slowMode)                   // then slowMode.set(conversationId, interval)
 *     .listener(metrics)                    // e.g. a ChatMetrics bound to your registry
 *     .build();
 * }</pre>
 */
public final class ChatEngineBuilder {

  /** Default {@link #maxBodyLength}: {@value dev.chatsdk.api.Message#MAX_BODY} characters. */
  public static final int DEFAULT_MAX_BODY_LENGTH = Message.MAX_BODY;

  /** Default sustained per-session send rate, in messages per second. */
  public static final double DEFAULT_RATE_LIMIT_PER_SECOND = 20;

  /** Default per-session burst: messages a session may send at once before the rate applies. */
  public static final int DEFAULT_RATE_LIMIT_BURST = 40;

  /** Default {@link #outboundQueueLimit}: frames handed to one connection and not yet written. */
  public static final int DEFAULT_OUTBOUND_QUEUE_LIMIT = 1024;

  /** Default {@link #typingTimeout}: a {@code typing: true} expires after 5 s without a refresh. */
  public static final Duration DEFAULT_TYPING_TIMEOUT = Duration.ofSeconds(5);

  /** Default {@link #reauthLead}: {@code reauth} is sent 60 s before a session's token expires. */
  public static final Duration DEFAULT_REAUTH_LEAD = Duration.ofSeconds(60);

  /** Default {@link #heartbeatInterval} announced in {@code hello}: 25 s. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(25);

  /**
   * Default {@link #reorderTimeout}: how long a later counter value is held back waiting for a
   * missing earlier one before the hole is resolved from the store.
   */
  public static final Duration DEFAULT_REORDER_TIMEOUT = Duration.ofMillis(300);

  /** Default number of threads of the scheduler the engine creates if none is given. */
  public static final int DEFAULT_SCHEDULER_THREADS = 2;

  private @Nullable UserStore userStore;
  private @Nullable ConversationStore conversationStore;
  private @Nullable MessageStore messageStore;
  private @Nullable Authenticator authenticator;
  private @Nullable PresenceRegistry presenceRegistry;
  private @Nullable ClusterBus clusterBus;
  private final List<MessagePolicy> policies = new ArrayList<>();
  private @Nullable SlowMode slowMode;
  private int maxBodyLength = DEFAULT_MAX_BODY_LENGTH;
  private double ratePerSecond = DEFAULT_RATE_LIMIT_PER_SECOND;
  private int rateBurst = DEFAULT_RATE_LIMIT_BURST;
  private int outboundQueueLimit = DEFAULT_OUTBOUND_QUEUE_LIMIT;
  private Duration typingTimeout = DEFAULT_TYPING_TIMEOUT;
  private Duration reauthLead = DEFAULT_REAUTH_LEAD;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration reorderTimeout = DEFAULT_REORDER_TIMEOUT;
  private Clock clock = Clock.systemUTC();
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable String nodeId;
  private EngineListener listener = EngineListener.NOOP;
  private @Nullable ProtocolCodec codec;

  ChatEngineBuilder() {}

  /** The user store (required). */
  public ChatEngineBuilder userStore(UserStore userStore) {
    this.userStore = Objects.requireNonNull(userStore, "userStore");
    return this;
  }

  /** The conversation store (required). */
  public ChatEngineBuilder conversationStore(ConversationStore conversationStore) {
    this.conversationStore = Objects.requireNonNull(conversationStore, "conversationStore");
    return this;
  }

  /** The message store (required). */
  public ChatEngineBuilder messageStore(MessageStore messageStore) {
    this.messageStore = Objects.requireNonNull(messageStore, "messageStore");
    return this;
  }

  /** Verifies the tokens clients present in-band with {@code auth} (required). */
  public ChatEngineBuilder authenticator(Authenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    return this;
  }

  /**
   * Where session leases are kept. Default: a new {@link InMemoryPresenceRegistry} (right for a
   * single node). The engine does not close a registry it was given.
   */
  public ChatEngineBuilder presenceRegistry(PresenceRegistry presenceRegistry) {
    this.presenceRegistry = Objects.requireNonNull(presenceRegistry, "presenceRegistry");
    return this;
  }

  /**
   * The bus that carries events between nodes. Default: none, the engine is single-node. The engine
   * does not close a bus it was given.
   */
  public ChatEngineBuilder clusterBus(ClusterBus clusterBus) {
    this.clusterBus = Objects.requireNonNull(clusterBus, "clusterBus");
    return this;
  }

  /**
   * Appends a host policy; policies run in the order added, after the built-in rate limit and slow
   * mode. A rewrite feeds the next policy; the first reject stops the chain.
   */
  public ChatEngineBuilder addPolicy(MessagePolicy policy) {
    policies.add(Objects.requireNonNull(policy, "policy"));
    return this;
  }

  /** Replaces the host policies with these, in order. */
  public ChatEngineBuilder policies(List<? extends MessagePolicy> policies) {
    Objects.requireNonNull(policies, "policies");
    this.policies.clear();
    for (MessagePolicy p : policies) {
      this.policies.add(Objects.requireNonNull(p, "policies element"));
    }
    return this;
  }

  /**
   * The slow mode whose per-conversation intervals the host sets while the engine runs. Default: a
   * new {@link SlowMode} with no intervals (reachable only through this option, so pass one in to
   * use slow mode).
   */
  public ChatEngineBuilder slowMode(SlowMode slowMode) {
    this.slowMode = Objects.requireNonNull(slowMode, "slowMode");
    return this;
  }

  /** The longest message body, in UTF-16 chars. Default {@link #DEFAULT_MAX_BODY_LENGTH}. */
  public ChatEngineBuilder maxBodyLength(int maxBodyLength) {
    if (maxBodyLength < 1) {
      throw ChatException.invalid("maxBodyLength: " + maxBodyLength + " (expected: >= 1)");
    }
    this.maxBodyLength = maxBodyLength;
    return this;
  }

  /**
   * The per-session send rate limit (a token bucket): {@code perSecond} messages per second
   * sustained, bursts of up to {@code burst}. REST sends are limited per user the same way.
   * Defaults {@link #DEFAULT_RATE_LIMIT_PER_SECOND} and {@link #DEFAULT_RATE_LIMIT_BURST}.
   */
  public ChatEngineBuilder rateLimit(double perSecond, int burst) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw ChatException.invalid("perSecond: " + perSecond + " (expected: > 0, finite)");
    }
    if (burst < 1) {
      throw ChatException.invalid("burst: " + burst + " (expected: >= 1)");
    }
    this.ratePerSecond = perSecond;
    this.rateBurst = burst;
    return this;
  }

  /**
   * How many frames may be handed to one connection and not yet written; past it the session is
   * closed with {@link dev.chatsdk.api.port.ClientConnection.CloseCodes#TRY_AGAIN_LATER}. Default
   * {@link #DEFAULT_OUTBOUND_QUEUE_LIMIT}.
   */
  public ChatEngineBuilder outboundQueueLimit(int outboundQueueLimit) {
    if (outboundQueueLimit < 8) {
      throw ChatException.invalid(
          "outboundQueueLimit: " + outboundQueueLimit + " (expected: >= 8)");
    }
    this.outboundQueueLimit = outboundQueueLimit;
    return this;
  }

  /**
   * How long a {@code typing: true} lasts without a refresh. Default {@link
   * #DEFAULT_TYPING_TIMEOUT}.
   */
  public ChatEngineBuilder typingTimeout(Duration typingTimeout) {
    this.typingTimeout = positive(typingTimeout, "typingTimeout");
    return this;
  }

  /**
   * How long before a session's token expires the engine sends {@code reauth}. At expiry, a session
   * that did not refresh in-band is closed with 4001. Default {@link #DEFAULT_REAUTH_LEAD}.
   */
  public ChatEngineBuilder reauthLead(Duration reauthLead) {
    Objects.requireNonNull(reauthLead, "reauthLead");
    if (reauthLead.isNegative()) {
      throw ChatException.invalid("reauthLead: " + reauthLead + " (expected: >= 0)");
    }
    this.reauthLead = reauthLead;
    return this;
  }

  /**
   * The heartbeat interval announced to clients in {@code hello} (the transport pings). Default
   * {@link #DEFAULT_HEARTBEAT_INTERVAL}.
   */
  public ChatEngineBuilder heartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
    return this;
  }

  /**
   * How long a message is held back while an earlier counter value of its conversation is missing,
   * before the hole is resolved from the store. Default {@link #DEFAULT_REORDER_TIMEOUT}.
   */
  public ChatEngineBuilder reorderTimeout(Duration reorderTimeout) {
    this.reorderTimeout = positive(reorderTimeout, "reorderTimeout");
    return this;
  }

  /** The clock for timestamps and token expiry. Default {@link Clock#systemUTC()}. */
  public ChatEngineBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * The scheduler for timers (typing expiry, reauth, reorder holes) and deferred work; it must not
   * be shut down while the engine runs and stays the caller's to shut down. Default: the engine
   * creates one with {@link #DEFAULT_SCHEDULER_THREADS} daemon threads and shuts it down on close.
   */
  public ChatEngineBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** This node's id, carried in cluster bus events. Default: a random id. */
  public ChatEngineBuilder nodeId(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    if (nodeId.isEmpty() || nodeId.length() > 64) {
      throw ChatException.invalid("nodeId: length " + nodeId.length() + " (expected: 1..64)");
    }
    this.nodeId = nodeId;
    return this;
  }

  /**
   * Receives the engine's metric hooks (e.g. a {@link dev.chatsdk.core.metrics.ChatMetrics}).
   * Default {@link EngineListener#NOOP}.
   */
  public ChatEngineBuilder listener(EngineListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The codec for frames and bus events. Default {@link ProtocolCodec#create()}. */
  public ChatEngineBuilder codec(ProtocolCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
    return this;
  }

  /**
   * Builds the engine.
   *
   * @throws IllegalStateException if a required option is missing
   */
  public ChatEngine build() {
    EngineConfig config =
        new EngineConfig(
            require(userStore, "userStore"),
            require(conversationStore, "conversationStore"),
            require(messageStore, "messageStore"),
            require(authenticator, "authenticator"),
            clusterBus,
            List.copyOf(policies),
            slowMode == null ? SlowMode.create() : slowMode,
            maxBodyLength,
            ratePerSecond,
            rateBurst,
            outboundQueueLimit,
            typingTimeout,
            reauthLead,
            heartbeatInterval,
            reorderTimeout,
            clock,
            scheduler,
            nodeId == null ? "node-" + UUID.randomUUID().toString().substring(0, 8) : nodeId,
            listener,
            codec == null ? ProtocolCodec.create() : codec);
    PresenceRegistry presence = presenceRegistry;
    boolean ownsPresence = presence == null;
    if (presence == null) {
      presence = new InMemoryPresenceRegistry();
    }
    return new DefaultChatEngine(config, presence, ownsPresence);
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + ": not set (expected: a " + name + " before build())");
    }
    return value;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw ChatException.invalid(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }
}
