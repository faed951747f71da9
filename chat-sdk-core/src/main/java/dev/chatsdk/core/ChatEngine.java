package dev.chatsdk.core;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.port.ClientConnection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The chat engine: sessions, fan-out, presence, typing, read state and policies over pluggable
 * ports. A host application builds one with {@link #builder()}, hands it every client connection
 * its transport accepts ({@link #openSession}) and may call the operations below directly (a REST
 * layer does).
 *
 * <p>Every operation takes the caller's {@link Principal} (identity comes only from a verified
 * token) and checks membership. Operations never block; they complete exceptionally with a {@link
 * dev.chatsdk.api.ChatException}. Thread-safe.
 */
public interface ChatEngine extends AutoCloseable {

  /**
   * A builder for the default engine: give it the stores and an authenticator, optionally a cluster
   * bus, policies and limits, then {@link ChatEngineBuilder#build()}.
   */
  static ChatEngineBuilder builder() {
    return new ChatEngineBuilder();
  }

  /**
   * Opens a session for an authenticated connection. The engine sends {@code hello} once the
   * session receives live events, and from then on pushes events through the connection.
   */
  ChatSession openSession(Principal principal, ClientConnection connection);

  /**
   * Sends a message, with the same idempotency as the WebSocket {@code send}: a repeated {@code
   * clientMsgId} completes with the stored message and {@code duplicate = true}. Completes after
   * the store confirmed; then every member's sessions receive it.
   */
  CompletionStage<AppendResult> send(
      Principal principal, String conversationId, String clientMsgId, String body);

  /** Edits the caller's own message. */
  CompletionStage<Message> edit(
      Principal principal, String conversationId, String messageId, String body);

  /** Deletes the caller's own message (leaves a tombstone). */
  CompletionStage<Message> delete(Principal principal, String conversationId, String messageId);

  /** A page of a conversation's history. */
  CompletionStage<List<Message>> history(
      Principal principal, String conversationId, HistoryQuery query);

  /** Moves the caller's read marker forward; members are told. */
  CompletionStage<ReadMarker> markRead(Principal principal, String conversationId, long seq);

  /** Every member's read marker of a conversation. */
  CompletionStage<List<ReadMarker>> readMarkers(Principal principal, String conversationId);

  /** The caller's conversations, newest activity first, with unread counts and last messages. */
  CompletionStage<List<ConversationSummary>> conversations(Principal principal);

  /** One of the caller's conversations with unread count and last message. */
  CompletionStage<ConversationSummary> conversation(Principal principal, String conversationId);

  /** The direct conversation between the caller and another user, created if needed. */
  CompletionStage<Conversation> createDirect(Principal principal, String otherUserId);

  /** Creates a group with the caller as admin and the given members. */
  CompletionStage<Conversation> createGroup(
      Principal principal, String title, Collection<String> memberIds);

  /** Adds a member to a group (admins only); members are told. */
  CompletionStage<Conversation> addMember(
      Principal principal, String conversationId, String userId);

  /** Removes a member from a group (admins only); members and the removed user are told. */
  CompletionStage<Conversation> removeMember(
      Principal principal, String conversationId, String userId);

  /**
   * Makes a group member an admin or a plain member (admins only); members are told. A group keeps
   * at least one admin: demoting the only one fails with {@code CONFLICT}. When a group's last
   * admin leaves or is removed, its longest-standing member becomes admin.
   */
  CompletionStage<Conversation> setMemberRole(
      Principal principal, String conversationId, String userId, MemberRole role);

  /** Renames a group (admins only); members are told. */
  CompletionStage<Conversation> rename(Principal principal, String conversationId, String title);

  /** The caller leaves a group; members are told. */
  CompletionStage<Conversation> leave(Principal principal, String conversationId);

  /** Presence of the given users. */
  CompletionStage<Map<String, Presence>> presence(Collection<String> userIds);

  /**
   * Tells the engine a user's profile changed, so users who share a conversation with them are sent
   * a {@code user} update.
   */
  void userUpdated(User user);

  /**
   * Closes every session of a user on this node (e.g. after logout), with close code {@link
   * ClientConnection.CloseCodes#TOKEN_EXPIRED}.
   */
  void closeSessionsOf(String userId, String reason);

  /** The number of open sessions on this node. */
  int sessionCount();

  /**
   * Stops the engine: closes every session with {@link ClientConnection.CloseCodes#GOING_AWAY},
   * releases schedulers it created. Ports passed in are not closed. Idempotent.
   */
  @Override
  void close();
}
