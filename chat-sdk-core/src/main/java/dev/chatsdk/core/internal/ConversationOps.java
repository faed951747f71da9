package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.Frame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversation operations: membership checks, summaries, creating direct and group conversations,
 * adding and removing members, renaming and leaving, and applying each change to the concerned
 * users here and on other nodes (start or stop their live delivery).
 *
 * <p>Threading: thread-safe and stateless. Runs on the caller's thread until the first store call,
 * then on store callback threads; bus-borne changes arrive on bus threads.
 */
final class ConversationOps {
  private static final Logger log = LoggerFactory.getLogger(ConversationOps.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final String nodeId;

  ConversationOps(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.nodeId = config.nodeId();
  }

  /**
   * The conversation, if {@code userId} is a member: from this node's live channel when there is
   * one, else from the store. Fails with {@code NOT_FOUND} or {@code FORBIDDEN}.
   */
  CompletableFuture<Conversation> memberConversation(String userId, String conversationId) {
    Conversation cached = engine.registry.cachedConversation(conversationId);
    if (cached != null && cached.isMember(userId)) {
      return CompletableFuture.completedFuture(cached);
    }
    return storedMemberConversation(userId, conversationId);
  }

  /** Like {@link #memberConversation} but always from the store (for admin decisions). */
  private CompletableFuture<Conversation> storedMemberConversation(
      String userId, String conversationId) {
    return Engines.call(() -> config.conversationStore().find(conversationId))
        .thenApply(
            found -> {
              Conversation c =
                  found.orElseThrow(
                      () ->
                          ChatException.notFound("conversation " + conversationId + ": not found"));
              if (!c.isMember(userId)) {
                throw ChatException.forbidden("conversation " + conversationId + ": not a member");
              }
              return c;
            });
  }

  /** The caller's conversations with their summaries, latest activity first. */
  CompletionStage<List<ConversationSummary>> conversations(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    String userId = principal.userId();
    return Engines.call(() -> config.conversationStore().listForUser(userId))
        .thenCompose(list -> summaries(list, userId, false))
        .exceptionallyCompose(Engines.failAs("conversations"));
  }

  /** One conversation's summary, if the caller is a member. */
  CompletionStage<ConversationSummary> conversation(Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return storedMemberConversation(principal.userId(), conversationId)
        .thenCompose(c -> summary(c, principal.userId(), false))
        .exceptionallyCompose(Engines.failAs("conversation"));
  }

  /**
   * Summaries of {@code list} for {@code userId}, latest activity first. With {@code live} (for a
   * session's {@code hello}), {@code lastSeq} is the counter this node's live stream has settled
   * ({@link Channel#settled}) where the conversation has a started channel: values above it may
   * still be landing in the store, and they reach the session live (or through {@code sync}), so
   * hello never claims them as already there. Otherwise it is the store's counter.
   */
  CompletableFuture<List<ConversationSummary>> summaries(
      List<Conversation> list, String userId, boolean live) {
    List<CompletableFuture<ConversationSummary>> parts = new ArrayList<>(list.size());
    for (Conversation c : list) {
      parts.add(summary(c, userId, live));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<ConversationSummary> out = new ArrayList<>(parts.size());
              for (CompletableFuture<ConversationSummary> p : parts) {
                out.add(p.join());
              }
              out.sort(
                  Comparator.comparing(
                          (ConversationSummary s) ->
                              s.lastMessage() != null
                                  ? s.lastMessage().createdAt()
                                  : s.conversation().createdAt())
                      .reversed());
              return out;
            });
  }

  private CompletableFuture<ConversationSummary> summary(
      Conversation c, String userId, boolean live) {
    var store = config.messageStore();
    Channel channel = live ? engine.registry.channels.get(c.id()) : null;
    long settled = channel == null ? -1 : channel.settled();
    CompletableFuture<Long> last =
        settled >= 0
            ? CompletableFuture.completedFuture(settled)
            : Engines.call(() -> store.lastSeq(c.id()));
    CompletableFuture<List<Message>> latest =
        Engines.call(() -> store.page(c.id(), HistoryQuery.latest(1)));
    CompletableFuture<ReadMarker> marker = Engines.call(() -> store.readMarker(c.id(), userId));
    CompletableFuture<Long> unread =
        marker.thenCompose(m -> Engines.call(() -> store.countUnread(c.id(), userId, m.seq())));
    return CompletableFuture.allOf(last, latest, unread)
        .thenApply(
            v -> {
              List<Message> l = latest.join();
              return new ConversationSummary(
                  c,
                  last.join(),
                  marker.join().seq(),
                  unread.join(),
                  l.isEmpty() ? null : l.get(l.size() - 1));
            });
  }

  /** The direct conversation between the caller and another user, created if there is none. */
  CompletionStage<Conversation> createDirect(Principal principal, String otherUserId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(otherUserId, "otherUserId");
    String userId = principal.userId();
    if (otherUserId.equals(userId)) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("otherUserId: the caller (expected: another user)"));
    }
    var conversations = config.conversationStore();
    return Engines.call(() -> config.userStore().findById(otherUserId))
        .thenCompose(
            other -> {
              if (other.isEmpty()) {
                throw ChatException.notFound("user " + otherUserId + ": not found");
              }
              return Engines.call(() -> conversations.findDirect(userId, otherUserId));
            })
        .thenCompose(
            existing -> {
              if (existing.isPresent()) {
                return CompletableFuture.completedFuture(existing.get());
              }
              Instant now = config.clock().instant();
              String id = ConversationOps.newId();
              Conversation proposed =
                  new Conversation(
                      id,
                      ConversationKind.DIRECT,
                      null,
                      List.of(
                          new Member(userId, MemberRole.MEMBER, now),
                          new Member(otherUserId, MemberRole.MEMBER, now)),
                      now);
              return Engines.call(() -> conversations.create(proposed))
                  .thenApply(
                      stored -> {
                        if (stored.id().equals(id)) {
                          conversationChanged("created", stored, null, 0);
                        }
                        return stored;
                      });
            })
        .exceptionallyCompose(Engines.failAs("createDirect"));
  }

  /** Creates a group administered by the caller. */
  CompletionStage<Conversation> createGroup(
      Principal principal, String title, Collection<String> memberIds) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(memberIds, "memberIds");
    String userId = principal.userId();
    Set<String> others = new LinkedHashSet<>();
    for (String id : memberIds) {
      Objects.requireNonNull(id, "memberIds element");
      if (!id.equals(userId)) {
        others.add(id);
      }
    }
    if (others.size() + 1 > Conversation.MAX_MEMBERS) {
      return CompletableFuture.failedFuture(
          ChatException.invalid(
              "memberIds: "
                  + (others.size() + 1)
                  + " members (expected: at most "
                  + Conversation.MAX_MEMBERS
                  + ")"));
    }
    Instant now = config.clock().instant();
    Conversation proposed;
    try {
      List<Member> members = new ArrayList<>();
      members.add(new Member(userId, MemberRole.ADMIN, now));
      for (String id : others) {
        members.add(new Member(id, MemberRole.MEMBER, now));
      }
      proposed =
          new Conversation(ConversationOps.newId(), ConversationKind.GROUP, title, members, now);
    } catch (ChatException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Engines.call(() -> config.userStore().findByIds(others))
        .thenCompose(
            found -> {
              Set<String> missing = new LinkedHashSet<>(others);
              for (User u : found) {
                missing.remove(u.id());
              }
              if (!missing.isEmpty()) {
                throw ChatException.notFound("users " + missing + ": not found");
              }
              return Engines.call(() -> config.conversationStore().create(proposed));
            })
        .thenApply(
            stored -> {
              conversationChanged("created", stored, null, 0);
              return stored;
            })
        .exceptionallyCompose(Engines.failAs("createGroup"));
  }

  /** A group the caller administers (from the store). */
  private CompletableFuture<Conversation> administeredGroup(String userId, String conversationId) {
    return storedMemberConversation(userId, conversationId)
        .thenApply(
            c -> {
              if (c.kind() != ConversationKind.GROUP) {
                throw ChatException.invalid(
                    "conversation " + conversationId + ": a direct conversation cannot be changed");
              }
              if (!c.isAdmin(userId)) {
                throw ChatException.forbidden(
                    "conversation " + conversationId + ": only admins may do this");
              }
              return c;
            });
  }

  /** Adds a member to a group the caller administers (a no-op if already a member). */
  CompletionStage<Conversation> addMember(
      Principal principal, String conversationId, String userId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              if (c.isMember(userId)) {
                return CompletableFuture.completedFuture(c);
              }
              return Engines.call(() -> config.userStore().findById(userId))
                  .thenCompose(
                      u -> {
                        if (u.isEmpty()) {
                          throw ChatException.notFound("user " + userId + ": not found");
                        }
                        Member m = new Member(userId, MemberRole.MEMBER, config.clock().instant());
                        return Engines.call(() -> config.messageStore().lastSeq(conversationId))
                            .thenCompose(
                                before ->
                                    Engines.call(
                                            () ->
                                                config
                                                    .conversationStore()
                                                    .addMember(conversationId, m))
                                        .thenApply(
                                            updated -> {
                                              conversationChanged(
                                                  "member_added", updated, userId, before);
                                              return updated;
                                            }));
                      });
            })
        .exceptionallyCompose(Engines.failAs("addMember"));
  }

  /** Removes a member from a group the caller administers. */
  CompletionStage<Conversation> removeMember(
      Principal principal, String conversationId, String userId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              if (!c.isMember(userId)) {
                throw ChatException.notFound(
                    "user " + userId + ": not a member of conversation " + conversationId);
              }
              return Engines.call(
                      () -> config.conversationStore().removeMember(conversationId, userId))
                  .thenCompose(
                      updated -> {
                        conversationChanged("member_removed", updated, userId, -1);
                        return keepAnAdmin(updated);
                      });
            })
        .exceptionallyCompose(Engines.failAs("removeMember"));
  }

  /** Renames a group the caller administers. */
  CompletionStage<Conversation> rename(Principal principal, String conversationId, String title) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(title, "title");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              c.withTitle(title);
              return Engines.call(() -> config.conversationStore().rename(conversationId, title));
            })
        .thenApply(
            updated -> {
              conversationChanged("renamed", updated, null, -1);
              return updated;
            })
        .exceptionallyCompose(Engines.failAs("rename"));
  }

  /** The caller leaves a group. */
  CompletionStage<Conversation> leave(Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    String userId = principal.userId();
    return storedMemberConversation(userId, conversationId)
        .thenCompose(
            c -> {
              if (c.kind() == ConversationKind.DIRECT) {
                throw ChatException.invalid(
                    "conversation " + conversationId + ": a direct conversation cannot be left");
              }
              return Engines.call(
                  () -> config.conversationStore().removeMember(conversationId, userId));
            })
        .thenCompose(
            updated -> {
              conversationChanged("member_left", updated, userId, -1);
              return keepAnAdmin(updated);
            })
        .exceptionallyCompose(Engines.failAs("leave"));
  }

  /**
   * Sets a member's role in a group the caller administers (a no-op if the member has it). A group
   * keeps at least one admin: demoting the only admin fails with {@code CONFLICT}.
   */
  CompletionStage<Conversation> setRole(
      Principal principal, String conversationId, String userId, MemberRole role) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              Conversation changed = c.withRole(userId, role); // NOT_FOUND for a non-member
              if (changed.equals(c)) {
                return CompletableFuture.completedFuture(c);
              }
              if (!changed.hasAdmin()) {
                throw new ChatException(
                    ErrorCode.CONFLICT,
                    "conversation "
                        + conversationId
                        + ": a group keeps at least one admin (make another member admin first)");
              }
              return Engines.call(
                      () -> config.conversationStore().setRole(conversationId, userId, role))
                  .thenCompose(
                      updated -> {
                        conversationChanged("role_changed", updated, userId, -1);
                        // Two admins demoting themselves at once both passed the check above.
                        return keepAnAdmin(updated);
                      });
            })
        .exceptionallyCompose(Engines.failAs("setRole"));
  }

  /**
   * Makes the longest-standing (first) member admin of a group that has members but no admin left
   * (its last admin left, was removed or stepped down) and tells the members; completes with the
   * group as it then is. Each membership write answers with the group as that write left it, so of
   * concurrent changes the last one sees the admin gone. A failed promotion is logged and the group
   * stays without an admin until the next membership change.
   */
  private CompletableFuture<Conversation> keepAnAdmin(Conversation group) {
    if (group.kind() != ConversationKind.GROUP || group.members().isEmpty() || group.hasAdmin()) {
      return CompletableFuture.completedFuture(group);
    }
    Member successor = group.members().get(0); // members are in join order
    return Engines.call(
            () ->
                config
                    .conversationStore()
                    .setRole(group.id(), successor.userId(), MemberRole.ADMIN))
        .handle(
            (promoted, error) -> {
              if (error != null) {
                log.warn(
                    "conversation {}: no admin left and promoting {} failed",
                    group.id(),
                    successor.userId(),
                    error);
                return group;
              }
              conversationChanged("role_changed", promoted, successor.userId(), -1);
              return promoted;
            });
  }

  /**
   * Applies a conversation change for every concerned user, here and on other nodes. {@code
   * liveAfter} is a counter value read before the change: users who thereby become members get
   * every change after it, so nothing sent right after they joined slips past them while their node
   * catches up with the change (-1 for changes that add nobody).
   */
  private void conversationChanged(
      String change, Conversation conversation, @Nullable String subjectUserId, long liveAfter) {
    Channel ch = engine.registry.channels.get(conversation.id());
    if (ch != null) {
      engine.registry.setConversation(ch, conversation);
    }
    Set<String> concerned = new LinkedHashSet<>(conversation.memberIds());
    if (subjectUserId != null) {
      concerned.add(subjectUserId);
    }
    Frame frame =
        config
            .codec()
            .encode(new ServerFrame.ConversationEvent(change, conversation, subjectUserId));
    for (String userId : concerned) {
      applyConversationChange(userId, conversation, frame, liveAfter);
      engine.fanout.publish(
          "u:" + userId,
          BusEvent.conversation(nodeId, change, conversation, subjectUserId, liveAfter));
    }
  }

  /**
   * For one user on this node: tell them, then start or stop the conversation's live delivery (so
   * the {@code conversation} frame precedes the conversation's first live message).
   */
  void applyConversationChange(
      String userId, Conversation conversation, Frame frame, long liveAfter) {
    LocalUser user = engine.registry.users.get(userId);
    if (user == null) {
      return;
    }
    engine.fanout.fanOut(new LocalUser[] {user}, null, null, s -> Fanout.sendFrame(s, frame));
    if (!conversation.isMember(userId)) {
      engine.registry.leave(user, conversation.id());
      return;
    }
    boolean joining = !engine.registry.isJoined(user, conversation.id());
    if (!joining || liveAfter < 0) {
      engine.registry.join(user, conversation);
      return;
    }
    engine.syncs.catchUp(user, conversation, liveAfter);
  }

  private static String newId() {
    UUID u = UUID.randomUUID();
    return Long.toHexString(u.getMostSignificantBits())
        + Long.toHexString(u.getLeastSignificantBits());
  }
}
