package dev.chatsdk.api.port;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Stores conversations and their membership. Thread-safe; non-blocking; membership changes are
 * atomic per call (two concurrent {@link #addMember} calls both take effect).
 */
public interface ConversationStore {
  /**
   * Stores a new conversation. For a DIRECT conversation whose pair already has one, nothing is
   * written and the stored one is returned: concurrent creates for one pair yield one conversation.
   */
  CompletionStage<Conversation> create(Conversation conversation);

  /** The conversation with this id. */
  CompletionStage<Optional<Conversation>> find(String id);

  /** The direct conversation between two users, in either order. */
  CompletionStage<Optional<Conversation>> findDirect(String userA, String userB);

  /** The conversations {@code userId} is a member of, newest first. */
  CompletionStage<List<Conversation>> listForUser(String userId);

  /**
   * Adds a member (a no-op if already a member) and completes with the updated conversation. Fails
   * with {@code NOT_FOUND} for an unknown conversation and {@code INVALID_ARGUMENT} past {@link
   * Conversation#MAX_MEMBERS}.
   */
  CompletionStage<Conversation> addMember(String conversationId, Member member);

  /** Removes a member (a no-op if not a member) and completes with the updated conversation. */
  CompletionStage<Conversation> removeMember(String conversationId, String userId);

  /**
   * Sets a group member's role (a no-op if it already has it) and completes with the updated
   * conversation. Fails with {@code NOT_FOUND} for an unknown conversation or a user who is not a
   * member, and {@code INVALID_ARGUMENT} for a direct conversation.
   */
  CompletionStage<Conversation> setRole(String conversationId, String userId, MemberRole role);

  /** Sets a group's title and completes with the updated conversation. */
  CompletionStage<Conversation> rename(String conversationId, String title);
}
