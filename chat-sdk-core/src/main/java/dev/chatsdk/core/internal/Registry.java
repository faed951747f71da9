package dev.chatsdk.core.internal;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.port.ClusterBus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which users, sessions and conversation channels are live on this node: the registry maps, the
 * lock that guards their changes, joining and leaving channels, and the bus subscriptions that keep
 * a channel ({@code c:<id>}) or a local user ({@code u:<id>}) fed.
 *
 * <p>Threading: thread-safe. The {@link #users} map's entries, each {@link LocalUser}'s fields and
 * each {@link Channel}'s local users, conversation and subscription, and the {@link
 * #channelsByMember} index change only under {@link #lock}, which is never held while calling a
 * port, a connection or a listener. Hot paths read without the lock through the concurrent maps and
 * copy-on-write arrays.
 */
final class Registry {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final ScheduledExecutorService scheduler;
  private final @Nullable ClusterBus bus;

  /** Guards registry state (see the class Javadoc); never held while calling out. */
  private final Object lock = new Object();

  final Map<String, Session> sessions = new ConcurrentHashMap<>();
  final Map<String, LocalUser> users = new ConcurrentHashMap<>();
  final Map<String, Channel> channels = new ConcurrentHashMap<>();

  /**
   * For each user (local or not), the live channels of conversations they are a member of, as their
   * channels' conversations say (copy-on-write arrays written under the lock): who shares a
   * conversation with a user is then a look-up, not a scan of every live channel.
   */
  private final Map<String, Channel[]> channelsByMember = new ConcurrentHashMap<>();

  /** A session's user as registered, and whether the user was new on this node. */
  record Registration(LocalUser user, boolean newUser) {}

  Registry(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.scheduler = engine.scheduler();
    this.bus = config.clusterBus();
  }

  /** Registers a session (and its user, if new on this node) for live delivery. */
  Registration addSession(Session session) {
    String userId = session.userId;
    LocalUser user;
    boolean newUser = false;
    synchronized (lock) {
      user = users.get(userId);
      if (user == null) {
        user = new LocalUser(userId);
        users.put(userId, user);
        newUser = true;
      }
      user.sessions = append(user.sessions, session);
      sessions.put(session.id(), session);
    }
    return new Registration(user, newUser);
  }

  /**
   * Unregisters a closed session; if it was its user's last one here, releases the user's channels
   * and bus subscription. Returns true in that case.
   */
  boolean removeSession(Session session) {
    String userId = session.userId;
    List<Channel> released = new ArrayList<>();
    LocalUser gone = null;
    synchronized (lock) {
      sessions.remove(session.id());
      LocalUser user = users.get(userId);
      if (user != null) {
        user.sessions = remove(user.sessions, session);
        if (user.sessions.length == 0) {
          users.remove(userId);
          user.gone = true;
          gone = user;
          for (String conversationId : user.conversationIds) {
            Channel ch = channels.get(conversationId);
            if (ch != null && dropLocalUser(ch, user)) {
              released.add(ch);
            }
          }
          user.conversationIds.clear();
        }
      }
    }
    for (Channel ch : released) {
      releaseChannel(ch);
    }
    if (gone == null) {
      return false;
    }
    ClusterBus.Subscription sub;
    synchronized (lock) {
      sub = gone.subscription;
      gone.subscription = null;
    }
    unsubscribe(sub);
    return true;
  }

  /** Whether the local user already receives the conversation. */
  boolean isJoined(LocalUser user, String conversationId) {
    synchronized (lock) {
      return user.conversationIds.contains(conversationId);
    }
  }

  /**
   * Makes {@code conversation} live for a local user: creates its channel if needed. Completes once
   * the channel is ready (knows its counter, receives bus events).
   */
  CompletableFuture<Void> join(LocalUser user, Conversation conversation) {
    Channel channel;
    boolean created = false;
    synchronized (lock) {
      if (user.gone || users.get(user.userId) != user) {
        return CompletableFuture.completedFuture(null);
      }
      channel = channels.get(conversation.id());
      if (channel == null || channel.isReleased()) {
        if (channel != null) {
          unindex(channel, channel.conversation);
        }
        channel = new Channel(engine, conversation);
        channels.put(conversation.id(), channel);
        index(channel, channel.conversation);
        created = true;
      }
      if (user.conversationIds.add(conversation.id())) {
        channel.localUsers = append(channel.localUsers, user);
      }
    }
    if (created) {
      startChannel(channel);
    }
    return channel.ready;
  }

  /** The local user is no longer a member: stop delivering that conversation to them. */
  void leave(LocalUser user, String conversationId) {
    Channel release = null;
    synchronized (lock) {
      if (!user.conversationIds.remove(conversationId)) {
        return;
      }
      Channel ch = channels.get(conversationId);
      if (ch != null && dropLocalUser(ch, user)) {
        release = ch;
      }
    }
    if (release != null) {
      releaseChannel(release);
    }
  }

  /** Removes a local user from a channel; true if the channel is now unused (registry lock). */
  private boolean dropLocalUser(Channel ch, LocalUser user) {
    ch.localUsers = remove(ch.localUsers, user);
    if (ch.localUsers.length == 0) {
      if (channels.remove(ch.id, ch)) {
        unindex(ch, ch.conversation);
      }
      return true;
    }
    return false;
  }

  /**
   * Replaces a channel's conversation (after a membership or title change) and keeps {@link
   * #channelsByMember} in step with its members.
   */
  void setConversation(Channel ch, Conversation conversation) {
    synchronized (lock) {
      Conversation old = ch.conversation;
      ch.conversation = conversation;
      if (channels.get(ch.id) == ch) {
        unindex(ch, old);
        index(ch, conversation);
      }
    }
  }

  /** Adds a live channel under each of its conversation's members (registry lock). */
  private void index(Channel ch, Conversation conversation) {
    for (String userId : conversation.memberIds()) {
      Channel[] current = channelsByMember.get(userId);
      if (current == null) {
        channelsByMember.put(userId, new Channel[] {ch});
      } else if (!Arrays.asList(current).contains(ch)) {
        channelsByMember.put(userId, append(current, ch));
      }
    }
  }

  /** Removes a channel from under each of its conversation's members (registry lock). */
  private void unindex(Channel ch, Conversation conversation) {
    for (String userId : conversation.memberIds()) {
      Channel[] current = channelsByMember.get(userId);
      if (current != null) {
        Channel[] left = remove(current, ch);
        if (left.length == 0) {
          channelsByMember.remove(userId);
        } else {
          channelsByMember.put(userId, left);
        }
      }
    }
  }

  private void startChannel(Channel channel) {
    CompletableFuture<Void> subscribed;
    if (bus == null) {
      subscribed = CompletableFuture.completedFuture(null);
    } else {
      subscribed =
          Engines.call(() -> bus.subscribe("c:" + channel.id, engine.cluster))
              .handle(
                  (sub, e) -> {
                    if (e != null) {
                      log.warn("conversation {}: bus subscription failed", channel.id, e);
                      return null;
                    }
                    boolean keep;
                    synchronized (lock) {
                      keep = !channel.isReleased();
                      if (keep) {
                        channel.subscription = sub;
                      }
                    }
                    if (!keep) {
                      unsubscribe(sub);
                    }
                    return null;
                  });
    }
    subscribed.thenRun(() -> readBase(channel, 0));
  }

  private void readBase(Channel channel, int attempt) {
    if (channel.isReleased()) {
      channel.ready.complete(null);
      return;
    }
    Engines.call(() -> config.messageStore().lastSeq(channel.id))
        .whenComplete(
            (base, e) -> {
              if (e == null) {
                channel.start(base);
              } else if (attempt >= 5) {
                log.warn("conversation {}: could not read its counter", channel.id, e);
                channel.ready.completeExceptionally(Engines.unwrap(e));
                synchronized (lock) {
                  for (LocalUser u : channel.localUsers) {
                    u.conversationIds.remove(channel.id);
                  }
                  channel.localUsers = new LocalUser[0];
                  if (channels.remove(channel.id, channel)) {
                    unindex(channel, channel.conversation);
                  }
                }
                releaseChannel(channel);
              } else {
                long delay = config.reorderTimeout().toMillis() * (1L << attempt);
                scheduler.schedule(
                    () -> readBase(channel, attempt + 1), delay, TimeUnit.MILLISECONDS);
              }
            });
  }

  private void releaseChannel(Channel channel) {
    ClusterBus.Subscription sub;
    synchronized (lock) {
      sub = channel.subscription;
      channel.subscription = null;
    }
    channel.release();
    unsubscribe(sub);
  }

  /** Subscribes to the user's {@code u:} topic, if there is a bus. */
  void subscribeUser(LocalUser user) {
    if (bus == null) {
      return;
    }
    Engines.call(() -> bus.subscribe("u:" + user.userId, engine.cluster))
        .whenComplete(
            (sub, e) -> {
              if (e != null) {
                log.warn("user {}: bus subscription failed", user.userId, e);
                return;
              }
              boolean keep;
              synchronized (lock) {
                keep = !user.gone;
                if (keep) {
                  user.subscription = sub;
                }
              }
              if (!keep) {
                unsubscribe(sub);
              }
            });
  }

  /** Drops a bus subscription, if any; a failure is logged. */
  void unsubscribe(ClusterBus.@Nullable Subscription sub) {
    if (sub != null) {
      Engines.call(sub::unsubscribe)
          .exceptionally(
              e -> {
                log.debug("unsubscribe failed", e);
                return null;
              });
    }
  }

  /** The local users who receive the conversation. */
  LocalUser[] localMembers(String conversationId) {
    Channel ch = channels.get(conversationId);
    return ch == null ? new LocalUser[0] : ch.localUsers;
  }

  /** Local users who share a conversation with {@code userId}, plus {@code userId} if asked. */
  LocalUser[] localUsersSharingWith(String userId, boolean includeSelf) {
    Set<LocalUser> result = new LinkedHashSet<>();
    for (Channel ch : channelsByMember.getOrDefault(userId, new Channel[0])) {
      for (LocalUser u : ch.localUsers) {
        if (includeSelf || !u.userId.equals(userId)) {
          result.add(u);
        }
      }
    }
    if (includeSelf) {
      LocalUser self = users.get(userId);
      if (self != null) {
        result.add(self);
      }
    }
    return result.toArray(LocalUser[]::new);
  }

  /** The conversation as this node's live channel knows it, if there is one. */
  @Nullable Conversation cachedConversation(String conversationId) {
    Channel ch = channels.get(conversationId);
    return ch == null ? null : ch.conversation;
  }

  /** A copy of {@code array} with {@code x} added at the end. */
  private static <T> T[] append(T[] array, T x) {
    T[] out = Arrays.copyOf(array, array.length + 1);
    out[array.length] = x;
    return out;
  }

  /** A copy of {@code array} without {@code x} (compared by identity). */
  private static <T> T[] remove(T[] array, T x) {
    List<T> out = new ArrayList<>(array.length);
    for (T y : array) {
      if (y != x) {
        out.add(y);
      }
    }
    return out.toArray(Arrays.copyOf(array, 0));
  }
}
