package dev.chatsdk.api.event;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A frame a client sends over the WebSocket ({@code {"type": ..., ...}}). Every frame may carry a
 * client-chosen {@code ref} that the server echoes in the matching {@code ack}, {@code error} or
 * reply, so a client can correlate answers.
 */
public sealed interface ClientFrame {
  /** The frame's wire {@code type}. */
  String type();

  /** The client's correlation reference, if any. */
  @Nullable String ref();

  /** The reference as an optional. */
  default Optional<String> reference() {
    return Optional.ofNullable(ref());
  }

  /**
   * {@code send}: post a message. Answered by {@code ack} (after the store confirmed) or {@code
   * error}.
   */
  record Send(@Nullable String ref, String conversationId, String clientMsgId, String body)
      implements ClientFrame {
    public Send {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(clientMsgId, "clientMsgId");
      Objects.requireNonNull(body, "body");
    }

    @Override
    public String type() {
      return "send";
    }
  }

  /**
   * {@code edit}: replace the body of one's own message. Answered by {@code ack} or {@code error}.
   */
  record Edit(@Nullable String ref, String conversationId, String messageId, String body)
      implements ClientFrame {
    public Edit {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(body, "body");
    }

    @Override
    public String type() {
      return "edit";
    }
  }

  /** {@code delete}: delete one's own message. Answered by {@code ack} or {@code error}. */
  record Delete(@Nullable String ref, String conversationId, String messageId)
      implements ClientFrame {
    public Delete {
      Objects.requireNonNull(conversationId, "conversationId");
      Objects.requireNonNull(messageId, "messageId");
    }

    @Override
    public String type() {
      return "delete";
    }
  }

  /** {@code typing}: the user started ({@code true}) or stopped typing. Not answered. */
  record Typing(@Nullable String ref, String conversationId, boolean typing)
      implements ClientFrame {
    public Typing {
      Objects.requireNonNull(conversationId, "conversationId");
    }

    @Override
    public String type() {
      return "typing";
    }
  }

  /** {@code read}: the user has read up to {@code seq}. Members get a {@code read} event. */
  record Read(@Nullable String ref, String conversationId, long seq) implements ClientFrame {
    public Read {
      Objects.requireNonNull(conversationId, "conversationId");
    }

    @Override
    public String type() {
      return "read";
    }
  }

  /**
   * {@code sync}: resume after a reconnect. For each conversation in {@code cursors}, the server
   * sends every message created or changed after the given counter value, in order, then answers
   * {@code synced}.
   */
  record Sync(@Nullable String ref, Map<String, Long> cursors) implements ClientFrame {
    public Sync {
      cursors = Map.copyOf(Objects.requireNonNull(cursors, "cursors"));
    }

    @Override
    public String type() {
      return "sync";
    }
  }

  /** {@code auth}: in-band token refresh. Answered by {@code authenticated} or {@code error}. */
  record Auth(@Nullable String ref, String token) implements ClientFrame {
    public Auth {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String type() {
      return "auth";
    }

    @Override
    public String toString() {
      return "Auth[ref=" + ref + "]";
    }
  }

  /** {@code ping}: answered by {@code pong}. */
  record Ping(@Nullable String ref) implements ClientFrame {
    @Override
    public String type() {
      return "ping";
    }
  }
}
