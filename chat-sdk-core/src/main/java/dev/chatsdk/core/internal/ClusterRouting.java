package dev.chatsdk.core.internal;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.core.protocol.ProtocolCodec;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's listener on the cluster bus: decodes events from other nodes and hands them on
 * (message events to their channel, read and typing to local members, conversation changes to the
 * concerned local user, profile updates), and holds the subscription to {@code g:users}.
 *
 * <p>Threading: thread-safe and stateless but for the volatile global subscription. Runs on bus
 * threads; never blocks them.
 */
final class ClusterRouting implements ClusterBus.Listener {
  private static final Logger log = LoggerFactory.getLogger(ClusterRouting.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final String nodeId;
  private final @Nullable ClusterBus bus;
  private volatile ClusterBus.@Nullable Subscription globalSubscription;

  /**
   * How this node's own events begin once encoded ({@code {"node":"<id>",}}): the bus hands a node
   * its own events too (always on the in-process bus, and from Redis), and those are recognised by
   * this prefix without being decoded.
   */
  private final byte[] ownPrefix;

  ClusterRouting(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.nodeId = config.nodeId();
    this.bus = config.clusterBus();
    this.ownPrefix = ownPrefix(config.codec(), nodeId);
  }

  /** {@code {"node":"<id>",} as the codec encodes it, the start of every event of that node. */
  static byte[] ownPrefix(ProtocolCodec codec, String nodeId) {
    byte[] prefix = codec.toJson(Map.of("node", nodeId));
    prefix[prefix.length - 1] = ','; // the closing brace
    return prefix;
  }

  /** Whether a payload starts with {@code prefix}. */
  static boolean startsWith(byte[] payload, byte[] prefix) {
    return payload.length > prefix.length
        && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Subscribes to the global user topic, if there is a bus. */
  void start() {
    ClusterBus b = bus;
    if (b == null) {
      return;
    }
    Engines.call(() -> b.subscribe("g:users", this))
        .whenComplete(
            (sub, e) -> {
              if (e != null) {
                log.warn("could not subscribe to the global user topic", e);
              } else if (engine.isClosed()) {
                sub.unsubscribe();
              } else {
                globalSubscription = sub;
              }
            });
  }

  /** Drops the global subscription (engine shutdown). */
  void close() {
    engine.registry.unsubscribe(globalSubscription);
  }

  @Override
  public void onMessage(String topic, byte[] payload) {
    if (startsWith(payload, ownPrefix)) {
      return;
    }
    try {
      BusEvent event = config.codec().fromJson(payload, BusEvent.class);
      if (nodeId.equals(event.node())) {
        return;
      }
      onBusEvent(topic, event);
    } catch (RuntimeException e) {
      log.warn("ignoring a bus event on {} that could not be handled", topic, e);
    }
  }

  @Override
  public void onReconnected() {
    for (Channel ch : engine.registry.channels.values()) {
      ch.fillFromStore();
      Engines.call(() -> config.conversationStore().find(ch.id))
          .thenAccept(c -> c.ifPresent(conv -> engine.registry.setConversation(ch, conv)));
    }
  }

  private void onBusEvent(String topic, BusEvent event) {
    switch (event.kind()) {
      case "message" -> {
        Message m = Objects.requireNonNull(event.message(), "message");
        Channel ch = engine.registry.channels.get(m.conversationId());
        if (ch != null) {
          ch.offer(m, engine.encodeMessage(m));
        }
      }
      case "read" ->
          engine.fanout.broadcastRead(
              new ReadMarker(
                  Objects.requireNonNull(event.conversationId(), "conversationId"),
                  Objects.requireNonNull(event.userId(), "userId"),
                  Objects.requireNonNull(event.seq(), "seq")),
              null);
      case "typing" ->
          engine.fanout.broadcastTyping(
              Objects.requireNonNull(event.conversationId(), "conversationId"),
              Objects.requireNonNull(event.userId(), "userId"),
              Boolean.TRUE.equals(event.typing()),
              false);
      case "conversation" -> {
        if (!topic.startsWith("u:")) {
          return;
        }
        Conversation c = Objects.requireNonNull(event.conversation(), "conversation");
        Channel ch = engine.registry.channels.get(c.id());
        if (ch != null) {
          engine.registry.setConversation(ch, c);
        }
        Frame frame =
            config
                .codec()
                .encode(
                    new ServerFrame.ConversationEvent(
                        Objects.requireNonNull(event.change(), "change"), c, event.userId()));
        Long liveAfter = event.seq();
        engine.conversations.applyConversationChange(
            topic.substring(2), c, frame, liveAfter == null ? -1 : liveAfter);
      }
      case "user" -> engine.fanout.deliverUserUpdate(Objects.requireNonNull(event.user(), "user"));
      default -> log.debug("ignoring bus event kind {}", event.kind());
    }
  }
}
