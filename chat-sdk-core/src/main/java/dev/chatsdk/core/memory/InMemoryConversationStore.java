package dev.chatsdk.core.memory;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.port.ConversationStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ConversationStore} on the heap. Direct conversations are unique per pair. Thread-safe:
 * reads are lock-free; writes are serialised on one lock held only for map updates, so each
 * membership change is atomic. Every stage is complete when the method returns.
 */
public final class InMemoryConversationStore implements ConversationStore {
  private static final Comparator<Conversation> NEWEST_FIRST =
      Comparator.comparing(Conversation::createdAt).thenComparing(Conversation::id).reversed();

  private final Map<String, Conversation> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByDirectKey = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> idsByMember = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();

  /** Creates an empty store. */
  public InMemoryConversationStore() {}

  @Override
  public CompletionStage<Conversation> create(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            Optional<String> directKey = conversation.directKey();
            if (directKey.isPresent()) {
              String existing = idByDirectKey.get(directKey.get());
              if (existing != null) {
                return byId.get(existing);
              }
            }
            if (byId.containsKey(conversation.id())) {
              throw new ChatException(
                  ErrorCode.CONFLICT, "id: '" + conversation.id() + "' is taken");
            }
            byId.put(conversation.id(), conversation);
            directKey.ifPresent(key -> idByDirectKey.put(key, conversation.id()));
            for (String userId : conversation.memberIds()) {
              index(userId, conversation.id());
            }
            return conversation;
          }
        });
  }

  @Override
  public CompletionStage<Optional<Conversation>> find(String id) {
    Objects.requireNonNull(id, "id");
    return Stages.now(() -> Optional.ofNullable(byId.get(id)));
  }

  @Override
  public CompletionStage<Optional<Conversation>> findDirect(String userA, String userB) {
    Objects.requireNonNull(userA, "userA");
    Objects.requireNonNull(userB, "userB");
    return Stages.now(
        () -> {
          String id = idByDirectKey.get(Conversation.directKey(userA, userB));
          return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
        });
  }

  @Override
  public CompletionStage<List<Conversation>> listForUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Stages.now(
        () -> {
          Set<String> ids = idsByMember.getOrDefault(userId, Set.of());
          List<Conversation> found = new ArrayList<>(ids.size());
          for (String id : ids) {
            Conversation c = byId.get(id);
            if (c != null && c.isMember(userId)) {
              found.add(c);
            }
          }
          found.sort(NEWEST_FIRST);
          return List.copyOf(found);
        });
  }

  @Override
  public CompletionStage<Conversation> addMember(String conversationId, Member member) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(member, "member");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            Conversation stored = require(conversationId);
            if (stored.isMember(member.userId())) {
              return stored;
            }
            if (stored.members().size() >= Conversation.MAX_MEMBERS) {
              throw ChatException.invalid(
                  "members: "
                      + stored.members().size()
                      + " (expected: at most "
                      + Conversation.MAX_MEMBERS
                      + ")");
            }
            List<Member> members = new ArrayList<>(stored.members());
            members.add(member);
            Conversation updated = stored.withMembers(members);
            byId.put(conversationId, updated);
            index(member.userId(), conversationId);
            return updated;
          }
        });
  }

  @Override
  public CompletionStage<Conversation> removeMember(String conversationId, String userId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            Conversation stored = require(conversationId);
            if (!stored.isMember(userId)) {
              return stored;
            }
            List<Member> members = new ArrayList<>(stored.members());
            members.removeIf(m -> m.userId().equals(userId));
            Conversation updated = stored.withMembers(members);
            byId.put(conversationId, updated);
            Set<String> ids = idsByMember.get(userId);
            if (ids != null) {
              ids.remove(conversationId);
            }
            return updated;
          }
        });
  }

  @Override
  public CompletionStage<Conversation> setRole(
      String conversationId, String userId, MemberRole role) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            Conversation stored = require(conversationId);
            if (stored.kind() == ConversationKind.DIRECT) {
              throw ChatException.invalid(
                  "conversation: '" + conversationId + "' is direct (expected: group)");
            }
            Conversation updated = stored.withRole(userId, role); // NOT_FOUND for a non-member
            byId.put(conversationId, updated);
            return updated;
          }
        });
  }

  @Override
  public CompletionStage<Conversation> rename(String conversationId, String title) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(title, "title");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            Conversation updated = require(conversationId).withTitle(title);
            byId.put(conversationId, updated);
            return updated;
          }
        });
  }

  private Conversation require(String conversationId) {
    Conversation stored = byId.get(conversationId);
    if (stored == null) {
      throw ChatException.notFound("conversation: '" + conversationId + "' does not exist");
    }
    return stored;
  }

  private void index(String userId, String conversationId) {
    idsByMember.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(conversationId);
  }
}
