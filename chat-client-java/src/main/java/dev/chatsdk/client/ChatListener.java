package dev.chatsdk.client;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import java.util.List;

/**
 * Receives a {@link ChatClient}'s live events. Every method has a default that does nothing:
 * implement only what you need.
 *
 * <p>Threading: the client calls its listener from one thread at a time, in event order (by default
 * on its own event thread; on {@link ChatClient.Builder#executor} if one was given, serialised).
 * Within a conversation, {@link #onMessage} sees messages in {@code seq} order, each new message
 * exactly once, also across reconnects and server restarts. A listener may call the client
 * (including {@link ChatClient#send} and waiting on its result); it should not block for long,
 * since later events wait for it. An exception thrown by a listener method is reported to {@link
 * #onError} and does not stop delivery.
 */
public interface ChatListener {

  /**
   * A session started: after the first connection and after every reconnection, before the messages
   * missed meanwhile are delivered.
   *
   * @param me the authenticated user
   * @param conversations the user's conversations as the server listed them in {@code hello}
   */
  default void onSessionStarted(User me, List<ConversationSummary> conversations) {}

  /**
   * A message was posted, edited or deleted. A new message has {@code modSeq == seq}; an edit or
   * delete of an earlier one has {@code modSeq > seq}. Messages the client itself sent arrive here
   * too (compare {@link Message#senderId()}).
   */
  default void onMessage(Message message) {}

  /** A send of this client was acknowledged (the same value completes its future). */
  default void onAck(SentMessage sent) {}

  /** A member's read marker moved. */
  default void onRead(ServerFrame.ReadEvent event) {}

  /** A member started or stopped typing (best effort; a start expires by itself). */
  default void onTyping(ServerFrame.TypingEvent event) {}

  /** A user sharing a conversation came online or went offline (best effort). */
  default void onPresence(ServerFrame.PresenceEvent event) {}

  /** A conversation of the user was created or changed. */
  default void onConversation(ServerFrame.ConversationEvent event) {}

  /** A user sharing a conversation changed their profile (display name, avatar). */
  default void onUser(ServerFrame.UserEvent event) {}

  /** The connection state changed. */
  default void onStateChanged(ConnectionState previous, ConnectionState current) {}

  /**
   * A jump in a conversation's live stream was filled from history before the messages after it
   * were delivered.
   *
   * @param conversationId the conversation
   * @param fromCounter the first missing counter value
   * @param toCounter the last missing counter value
   * @param recovered how many messages the history held for the range (the rest were holes)
   */
  default void onGapFilled(
      String conversationId, long fromCounter, long toCounter, int recovered) {}

  /**
   * Something went wrong that the client handles by itself (a refused frame, a failed attempt to
   * connect or refresh the token, a listener that threw). For information; the client keeps going.
   */
  default void onError(ChatException error) {}
}
