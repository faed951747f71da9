package dev.chatsdk.api.event;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A frame the server pushes to a client over the WebSocket. */
public sealed interface ServerFrame {
  /** The frame's wire {@code type}. */
  String type();

  /**
   * {@code hello}: first frame of every session, sent once the session receives live events.
   * Anything stored after the {@code lastSeq} values listed here reaches the session live, so a
   * client that syncs from its own cursors up to these values misses nothing.
   */
  record Hello(
      String sessionId,
      User user,
      Instant serverTime,
      Instant tokenExpiresAt,
      long heartbeatMs,
      List<ConversationSummary> conversations)
      implements ServerFrame {
    public Hello {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(serverTime, "serverTime");
      Objects.requireNonNull(tokenExpiresAt, "tokenExpiresAt");
      conversations = List.copyOf(Objects.requireNonNull(conversations, "conversations"));
    }

    @Override
    public String type() {
      return "hello";
    }
  }

  /**
   * {@code message}: a message was created, edited or deleted (compare {@code seq} and {@code
   * modSeq}).
   */
  record MessageEvent(Message message) implements ServerFrame {
    public MessageEvent {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String type() {
      return "message";
    }
  }

  /**
   * {@code ack}: the store confirmed the sender's {@code send}, {@code edit} or {@code delete}.
   * {@code duplicate} is true when a {@code send} repeated an already stored {@code clientMsgId}.
   */
  record Ack(
      @Nullable String ref,
      String conversationId,
      String clientMsgId,
      String id,
      long seq,
      long modSeq,
      Instant createdAt,
      boolean duplicate)
      implements ServerFrame {
    public Ack {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(clientMsgId, "clientMsgId");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String type() {
      return "ack";
    }
  }

  /** {@code read}: a member's read marker moved. */
  record ReadEvent(String conversationId, String userId, long seq) implements ServerFrame {
    public ReadEvent {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(userId, "userId");
    }

    @Override
    public String type() {
      return "read";
    }
  }

  /** {@code typing}: a member started or stopped typing; a start expires by itself. */
  record TypingEvent(String conversationId, String userId, boolean typing) implements ServerFrame {
    public TypingEvent {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(userId, "userId");
    }

    @Override
    public String type() {
      return "typing";
    }
  }

  /**
   * {@code presence}: a user who shares a conversation with the recipient came online or went
   * offline.
   */
  record PresenceEvent(String userId, boolean online, @Nullable Instant lastSeen)
      implements ServerFrame {
    public PresenceEvent {
      Objects.requireNonNull(userId, "userId");
    }

    @Override
    public String type() {
      return "presence";
    }
  }

  /**
   * {@code conversation}: a conversation the recipient is (or was) a member of was created or
   * changed. {@code change} is one of {@code created}, {@code renamed}, {@code member_added},
   * {@code member_removed}, {@code member_left}, {@code role_changed} (the member's role is in
   * {@code conversation}); {@code userId} names the member concerned, if any.
   */
  record ConversationEvent(String change, Conversation conversation, @Nullable String userId)
      implements ServerFrame {
    public ConversationEvent {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(conversation, "conversation");
    }

    @Override
    public String type() {
      return "conversation";
    }
  }

  /**
   * {@code error}: a frame was refused. {@code code} is an {@link dev.chatsdk.api.ErrorCode} wire
   * name; {@code ref} echoes the offending frame's ref; {@code clientMsgId} echoes a failed {@code
   * send}'s id; {@code retryAfterMs} is set for rate limits.
   */
  record ErrorFrame(
      String code,
      String message,
      @Nullable String ref,
      @Nullable String clientMsgId,
      boolean retryable,
      long retryAfterMs)
      implements ServerFrame {
    public ErrorFrame {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String type() {
      return "error";
    }
  }

  /** {@code pong}: answer to {@code ping}. */
  record Pong(@Nullable String ref, Instant serverTime) implements ServerFrame {
    public Pong {
      Objects.requireNonNull(serverTime, "serverTime");
    }

    @Override
    public String type() {
      return "pong";
    }
  }

  /**
   * {@code synced}: a {@code sync} finished; {@code cursors} is each conversation's counter
   * reached.
   */
  record Synced(@Nullable String ref, Map<String, Long> cursors) implements ServerFrame {
    public Synced {
      cursors = Map.copyOf(Objects.requireNonNull(cursors, "cursors"));
    }

    @Override
    public String type() {
      return "synced";
    }
  }

  /**
   * {@code reauth}: the session's token expires at {@code expiresAt}; send {@code auth} before
   * then.
   */
  record Reauth(Instant expiresAt) implements ServerFrame {
    public Reauth {
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String type() {
      return "reauth";
    }
  }

  /** {@code authenticated}: an in-band {@code auth} succeeded; the session now expires later. */
  record Authenticated(@Nullable String ref, Instant expiresAt) implements ServerFrame {
    public Authenticated {
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String type() {
      return "authenticated";
    }
  }

  /**
   * {@code user}: the profile of a user who shares a conversation with the recipient changed
   * (display name, avatar).
   *
   * @since 0.1
   */
  record UserEvent(User user) implements ServerFrame {
    public UserEvent {
      Objects.requireNonNull(user, "user");
    }

    @Override
    public String type() {
      return "user";
    }
  }
}
