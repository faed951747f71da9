package dev.chatsdk.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The client's JSON codec for the v1 wire protocol: encodes the frames it sends, decodes the frames
 * and REST bodies it reads. Works on Jackson's tree model, so it needs no data-binding modules and
 * tolerates unknown fields. Thread-safe and stateless.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Encodes a client frame as one JSON text; {@code null} fields are omitted. */
  public static String encode(ClientFrame frame) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", frame.type());
    if (frame.ref() != null) {
      node.put("ref", frame.ref());
    }
    if (frame instanceof ClientFrame.Send s) {
      node.put("conversationId", s.conversationId());
      node.put("clientMsgId", s.clientMsgId());
      node.put("body", s.body());
    } else if (frame instanceof ClientFrame.Edit e) {
      node.put("conversationId", e.conversationId());
      node.put("messageId", e.messageId());
      node.put("body", e.body());
    } else if (frame instanceof ClientFrame.Delete d) {
      node.put("conversationId", d.conversationId());
      node.put("messageId", d.messageId());
    } else if (frame instanceof ClientFrame.Typing t) {
      node.put("conversationId", t.conversationId());
      node.put("typing", t.typing());
    } else if (frame instanceof ClientFrame.Read r) {
      node.put("conversationId", r.conversationId());
      node.put("seq", r.seq());
    } else if (frame instanceof ClientFrame.Sync s) {
      ObjectNode cursors = node.putObject("cursors");
      s.cursors().forEach(cursors::put);
    } else if (frame instanceof ClientFrame.Auth a) {
      node.put("token", a.token());
    }
    return node.toString();
  }

  /**
   * Decodes one server frame. Returns empty for a well-formed frame of a type this client does not
   * know (readers ignore what they do not understand).
   *
   * @throws ChatException with {@link ErrorCode#MALFORMED} if the text is not a valid frame
   */
  public static Optional<ServerFrame> decodeServerFrame(String text) {
    JsonNode node = parse(text);
    try {
      String type = text(node, "type");
      return Optional.ofNullable(
          switch (type) {
            case "hello" ->
                new ServerFrame.Hello(
                    text(node, "sessionId"),
                    user(field(node, "user")),
                    instant(node, "serverTime"),
                    instant(node, "tokenExpiresAt"),
                    node.path("heartbeatMs").asLong(0),
                    summaries(node.path("conversations")));
            case "message" -> new ServerFrame.MessageEvent(message(field(node, "message")));
            case "ack" ->
                new ServerFrame.Ack(
                    optText(node, "ref"),
                    text(node, "conversationId"),
                    text(node, "clientMsgId"),
                    text(node, "id"),
                    longValue(node, "seq"),
                    node.has("modSeq") ? longValue(node, "modSeq") : longValue(node, "seq"),
                    instant(node, "createdAt"),
                    node.path("duplicate").asBoolean(false));
            case "read" ->
                new ServerFrame.ReadEvent(
                    text(node, "conversationId"), text(node, "userId"), longValue(node, "seq"));
            case "typing" ->
                new ServerFrame.TypingEvent(
                    text(node, "conversationId"),
                    text(node, "userId"),
                    node.path("typing").asBoolean(false));
            case "presence" ->
                new ServerFrame.PresenceEvent(
                    text(node, "userId"),
                    node.path("online").asBoolean(false),
                    optInstant(node, "lastSeen"));
            case "conversation" ->
                new ServerFrame.ConversationEvent(
                    text(node, "change"),
                    conversation(field(node, "conversation")),
                    optText(node, "userId"));
            case "error" ->
                new ServerFrame.ErrorFrame(
                    text(node, "code"),
                    node.path("message").asText(""),
                    optText(node, "ref"),
                    optText(node, "clientMsgId"),
                    node.path("retryable").asBoolean(false),
                    node.path("retryAfterMs").asLong(0));
            case "pong" ->
                new ServerFrame.Pong(
                    optText(node, "ref"),
                    Optional.ofNullable(optInstant(node, "serverTime")).orElse(Instant.EPOCH));
            case "synced" ->
                new ServerFrame.Synced(optText(node, "ref"), longMap(node.path("cursors")));
            case "reauth" -> new ServerFrame.Reauth(instant(node, "expiresAt"));
            case "authenticated" ->
                new ServerFrame.Authenticated(optText(node, "ref"), instant(node, "expiresAt"));
            default -> null;
          });
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw malformed("frame: " + e.getMessage());
    }
  }

  /** Parses a JSON text into a tree. */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw malformed("empty JSON text (expected: a JSON value)");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw malformed("invalid JSON: " + e.getOriginalMessage());
    }
  }

  /** A new empty JSON object for request bodies. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new empty JSON array for request bodies. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Decodes a {@code User} object. */
  public static User user(JsonNode node) {
    return new User(
        text(node, "id"),
        text(node, "username"),
        node.hasNonNull("displayName") ? text(node, "displayName") : text(node, "username"),
        optText(node, "avatarId"),
        Optional.ofNullable(optInstant(node, "createdAt")).orElse(Instant.EPOCH),
        optInstant(node, "lastSeenAt"));
  }

  /** Decodes a {@code Message} object. */
  public static Message message(JsonNode node) {
    long seq = longValue(node, "seq");
    List<Attachment> attachments = new ArrayList<>();
    for (JsonNode a : node.path("attachments")) {
      attachments.add(
          new Attachment(
              text(a, "blobId"),
              a.path("contentType").asText("application/octet-stream"),
              a.path("size").asLong(0)));
    }
    return new Message(
        text(node, "id"),
        text(node, "conversationId"),
        seq,
        node.has("modSeq") ? longValue(node, "modSeq") : seq,
        text(node, "senderId"),
        text(node, "clientMsgId"),
        node.path("body").asText(""),
        attachments,
        instant(node, "createdAt"),
        optInstant(node, "editedAt"),
        node.path("deleted").asBoolean(false));
  }

  /** Decodes a {@code Conversation} object. */
  public static Conversation conversation(JsonNode node) {
    List<Member> members = new ArrayList<>();
    for (JsonNode m : node.path("members")) {
      if (m.isTextual()) {
        members.add(new Member(m.asText(), MemberRole.MEMBER, Instant.EPOCH));
      } else {
        members.add(
            new Member(
                text(m, "userId"),
                enumValue(MemberRole.class, m.path("role").asText("member"), "role"),
                Optional.ofNullable(optInstant(m, "joinedAt")).orElse(Instant.EPOCH)));
      }
    }
    return new Conversation(
        text(node, "id"),
        enumValue(ConversationKind.class, text(node, "kind"), "kind"),
        optText(node, "title"),
        members,
        Optional.ofNullable(optInstant(node, "createdAt")).orElse(Instant.EPOCH));
  }

  /** Decodes a {@code ConversationSummary} object. */
  public static ConversationSummary summary(JsonNode node) {
    JsonNode last = node.path("lastMessage");
    return new ConversationSummary(
        conversation(field(node, "conversation")),
        node.path("lastSeq").asLong(0),
        node.path("readSeq").asLong(0),
        node.path("unread").asLong(0),
        last.isObject() ? message(last) : null);
  }

  /** Decodes an array of summaries; a missing node is an empty list. */
  public static List<ConversationSummary> summaries(JsonNode array) {
    List<ConversationSummary> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(summary(n));
    }
    return out;
  }

  /**
   * The list inside a REST answer: the answer itself when it is an array, else its field {@code
   * name} (servers may wrap lists in an object).
   */
  public static JsonNode listOf(JsonNode answer, String name) {
    if (answer.isArray()) {
      return answer;
    }
    JsonNode inner = answer.path(name);
    if (inner.isArray()) {
      return inner;
    }
    throw malformed("answer: expected an array or an object with array field '" + name + "'");
  }

  /** The object inside a REST answer: its field {@code name} if present, else the answer. */
  public static JsonNode objectOf(JsonNode answer, String name) {
    JsonNode inner = answer.path(name);
    return inner.isObject() ? inner : answer;
  }

  /** Decodes a REST error body {@code {"error":{"code","message"}}}, if the text is one. */
  public static Optional<ChatException> error(String text, int status) {
    try {
      JsonNode error = MAPPER.readTree(text).path("error");
      if (!error.isObject()) {
        return Optional.empty();
      }
      String code = error.path("code").asText("");
      String message = error.path("message").asText("HTTP " + status);
      return Optional.of(new ChatException(errorCode(code, status), message));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Maps a wire error code to {@link ErrorCode}; unknown codes map by HTTP status. */
  public static ErrorCode errorCode(String wireName, int httpStatus) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.wireName().equals(wireName)) {
        return code;
      }
    }
    return switch (httpStatus) {
      case 400 -> ErrorCode.MALFORMED;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 409 -> ErrorCode.CONFLICT;
      case 413 -> ErrorCode.TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 422 -> ErrorCode.INVALID_ARGUMENT;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> ErrorCode.INTERNAL;
    };
  }

  private static Map<String, Long> longMap(JsonNode node) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isObject()) {
      throw malformed(name + ": missing (expected: an object)");
    }
    return value;
  }

  static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual()) {
      throw malformed(name + ": missing (expected: a string)");
    }
    return value.asText();
  }

  private static @Nullable String optText(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static long longValue(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.canConvertToLong()) {
      throw malformed(name + ": missing (expected: an integer)");
    }
    return value.asLong();
  }

  private static Instant instant(JsonNode node, String name) {
    Instant value = optInstant(node, name);
    if (value == null) {
      throw malformed(name + ": missing (expected: an ISO-8601 time)");
    }
    return value;
  }

  private static @Nullable Instant optInstant(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      return Instant.ofEpochMilli(value.asLong());
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      throw malformed(name + ": '" + value.asText() + "' (expected: an ISO-8601 time)");
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String wire, String name) {
    try {
      return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw malformed(
          name + ": '" + wire + "' (expected: one of the " + type.getSimpleName() + ")");
    }
  }

  private static ChatException malformed(String message) {
    return new ChatException(ErrorCode.MALFORMED, message);
  }
}
