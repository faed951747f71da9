package dev.chatsdk.core.internal;

import dev.chatsdk.api.Message;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.core.EngineListener;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands frames to local sessions and events to other nodes: in-order message delivery from a
 * channel, typing, read, user-update and one-off frames, grouped by each connection's IO executor
 * (one task per executor), and publishing on the cluster bus.
 *
 * <p>Threading: thread-safe and stateless; reads registry state without the lock. Called from
 * channel runners, transport, store-callback and bus threads; never blocks.
 */
final class Fanout {
  private static final Logger log = LoggerFactory.getLogger(Fanout.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final EngineListener listener;
  private final String nodeId;
  private final @Nullable ClusterBus bus;

  Fanout(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.listener = config.listener();
    this.nodeId = config.nodeId();
    this.bus = config.clusterBus();
  }

  /** Delivers a message event to the local sessions of the conversation's members, in order. */
  void deliverMessage(Channel channel, Message message, Frame frame) {
    int n =
        fanOut(channel.localUsers, null, null, s -> s.deliver(channel.id, message.modSeq(), frame));
    listener.messageDelivered(n);
  }

  /**
   * Delivers a new message whose counter was given up as a hole before its write landed: after
   * later counters, and without the counter order's repeat check ({@link Session#deliverLate}).
   */
  void deliverLate(Channel channel, Message message, Frame frame) {
    int n = fanOut(channel.localUsers, null, null, s -> s.deliverLate(channel.id, frame));
    listener.messageDelivered(n);
  }

  /**
   * Hands an action to every session of the given users, grouped by each connection's IO executor:
   * one task per executor. Returns how many sessions it reached.
   */
  int fanOut(
      LocalUser[] recipients,
      @Nullable String skipUser,
      @Nullable Session skipSession,
      java.util.function.Consumer<Session> action) {
    Executor single = null;
    List<Session> singleList = null;
    Map<Executor, List<Session>> groups = null;
    int count = 0;
    for (LocalUser u : recipients) {
      if (u.userId.equals(skipUser)) {
        continue;
      }
      for (Session s : u.sessions) {
        if (s == skipSession) {
          continue;
        }
        count++;
        Executor ex = s.ioExecutor;
        if (groups == null) {
          if (single == null) {
            single = ex;
            singleList = new ArrayList<>(4);
          }
          if (single == ex) {
            singleList.add(s);
            continue;
          }
          groups = new IdentityHashMap<>();
          groups.put(single, singleList);
        }
        groups.computeIfAbsent(ex, k -> new ArrayList<>()).add(s);
      }
    }
    if (groups != null) {
      for (Map.Entry<Executor, List<Session>> e : groups.entrySet()) {
        List<Session> list = e.getValue();
        Engines.dispatch(e.getKey(), () -> runEach(list, action));
      }
    } else if (single != null) {
      List<Session> list = singleList;
      Engines.dispatch(single, () -> runEach(list, action));
    }
    return count;
  }

  private static void runEach(List<Session> list, java.util.function.Consumer<Session> action) {
    for (Session s : list) {
      try {
        action.accept(s);
      } catch (RuntimeException e) {
        log.error("{}: delivery failed", s, e);
      }
    }
  }

  /** Sends a frame that is not a message event (no ordering counter). */
  static void sendFrame(Session s, Frame frame) {
    s.deliver(null, 0, frame);
  }

  /**
   * Sends a typing event to the conversation's other local members (best effort: skipped for a
   * backed-up connection) and, if asked, to other nodes.
   */
  void broadcastTyping(String conversationId, String userId, boolean on, boolean publish) {
    Frame frame = config.codec().encode(new ServerFrame.TypingEvent(conversationId, userId, on));
    fanOut(
        engine.registry.localMembers(conversationId),
        userId,
        null,
        s -> s.deliverBestEffort(frame));
    if (publish) {
      publish("c:" + conversationId, BusEvent.typing(nodeId, conversationId, userId, on));
    }
  }

  /** Sends a read marker to the conversation's local sessions but {@code origin}. */
  void broadcastRead(ReadMarker marker, @Nullable Session origin) {
    Frame frame =
        config
            .codec()
            .encode(
                new ServerFrame.ReadEvent(marker.conversationId(), marker.userId(), marker.seq()));
    fanOut(
        engine.registry.localMembers(marker.conversationId()),
        null,
        origin,
        s -> Fanout.sendFrame(s, frame));
  }

  /** Sends a profile update to local users who share a conversation with the user, and the user. */
  void deliverUserUpdate(User user) {
    Frame frame = config.codec().encode(new ServerFrame.UserEvent(user));
    fanOut(
        engine.registry.localUsersSharingWith(user.id(), true),
        null,
        null,
        s -> Fanout.sendFrame(s, frame));
  }

  /** Publishes a message event locally (in order) and to other nodes. */
  void publishMessage(Message m) {
    Channel ch = engine.registry.channels.get(m.conversationId());
    if (ch != null) {
      ch.offer(m, engine.encodeMessage(m));
    }
    publish("c:" + m.conversationId(), BusEvent.message(nodeId, m));
  }

  /**
   * Publishes an event to other nodes, if there is a bus and it may reach one (a single node does
   * not encode events only it would read); a failure is counted and logged.
   */
  void publish(String topic, BusEvent event) {
    ClusterBus b = bus;
    if (b == null || !b.mayReachOthers(topic, engine.cluster)) {
      return;
    }
    byte[] payload;
    try {
      payload = config.codec().toJson(event);
    } catch (RuntimeException e) {
      log.error("could not encode a bus event of kind {}", event.kind(), e);
      return;
    }
    Engines.call(() -> b.publish(topic, payload))
        .exceptionally(
            e -> {
              listener.busPublishFailed();
              log.debug("publish to {} failed", topic, e);
              return null;
            });
  }
}
