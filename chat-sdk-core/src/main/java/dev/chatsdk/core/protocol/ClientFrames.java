package dev.chatsdk.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.event.ClientFrame;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Decodes a parsed JSON object into a {@link ClientFrame}, checking every field's shape. */
final class ClientFrames {
  private static final String KNOWN_TYPES = "send, edit, delete, typing, read, sync, auth, ping";

  private ClientFrames() {}

  static ClientFrame decode(JsonNode root) {
    JsonNode typeNode = root.get("type");
    if (typeNode == null || typeNode.isNull()) {
      throw malformed("frame: missing field 'type'");
    }
    if (!typeNode.isTextual()) {
      throw malformed("field 'type': expected a string");
    }
    String type = typeNode.textValue();
    String ref = optionalId(root, "ref");
    switch (type) {
      case "send":
        return new ClientFrame.Send(
            ref,
            id(root, "conversationId", type),
            id(root, "clientMsgId", type),
            string(root, "body", type));
      case "edit":
        return new ClientFrame.Edit(
            ref,
            id(root, "conversationId", type),
            id(root, "messageId", type),
            string(root, "body", type));
      case "delete":
        return new ClientFrame.Delete(
            ref, id(root, "conversationId", type), id(root, "messageId", type));
      case "typing":
        return new ClientFrame.Typing(
            ref, id(root, "conversationId", type), bool(root, "typing", type));
      case "read":
        return new ClientFrame.Read(
            ref, id(root, "conversationId", type), counter(root, "seq", type));
      case "sync":
        return new ClientFrame.Sync(ref, cursors(root));
      case "auth":
        {
          String token = string(root, "token", type);
          if (token.isEmpty() || token.length() > ProtocolCodec.MAX_TOKEN_LENGTH) {
            throw ChatException.invalid(
                "token: length "
                    + token.length()
                    + " (expected: 1.."
                    + ProtocolCodec.MAX_TOKEN_LENGTH
                    + ")");
          }
          return new ClientFrame.Auth(ref, token);
        }
      case "ping":
        return new ClientFrame.Ping(ref);
      default:
        throw new ChatException(
            ErrorCode.UNKNOWN_TYPE,
            "type: '" + abbreviate(type) + "' (expected one of " + KNOWN_TYPES + ")");
    }
  }

  private static Map<String, Long> cursors(JsonNode root) {
    JsonNode node = root.get("cursors");
    if (node == null || node.isNull()) {
      throw malformed("sync: missing field 'cursors'");
    }
    if (!node.isObject()) {
      throw malformed("field 'cursors': expected an object of conversationId to counter");
    }
    if (node.size() > ProtocolCodec.MAX_SYNC_CURSORS) {
      throw ChatException.invalid(
          "cursors: "
              + node.size()
              + " conversations (expected: at most "
              + ProtocolCodec.MAX_SYNC_CURSORS
              + ")");
    }
    Map<String, Long> cursors = new HashMap<>(Math.max(4, node.size() * 2));
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String conversationId = e.getKey();
      checkIdLength(conversationId, "cursors key");
      cursors.put(conversationId, counterValue(e.getValue(), "cursors." + conversationId));
    }
    return cursors;
  }

  private static String string(JsonNode root, String field, String type) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw malformed(type + ": missing field '" + field + "'");
    }
    if (!node.isTextual()) {
      throw malformed("field '" + field + "': expected a string");
    }
    return node.textValue();
  }

  private static String id(JsonNode root, String field, String type) {
    return checkIdLength(string(root, field, type), field);
  }

  private static @Nullable String optionalId(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw malformed("field '" + field + "': expected a string");
    }
    String value = node.textValue();
    if (value.length() > ProtocolCodec.MAX_ID_LENGTH) {
      throw ChatException.invalid(
          field
              + ": length "
              + value.length()
              + " (expected: at most "
              + ProtocolCodec.MAX_ID_LENGTH
              + ")");
    }
    return value;
  }

  private static String checkIdLength(String value, String field) {
    if (value.isEmpty() || value.length() > ProtocolCodec.MAX_ID_LENGTH) {
      throw ChatException.invalid(
          field
              + ": length "
              + value.length()
              + " (expected: 1.."
              + ProtocolCodec.MAX_ID_LENGTH
              + ")");
    }
    return value;
  }

  private static boolean bool(JsonNode root, String field, String type) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw malformed(type + ": missing field '" + field + "'");
    }
    if (!node.isBoolean()) {
      throw malformed("field '" + field + "': expected true or false");
    }
    return node.booleanValue();
  }

  private static long counter(JsonNode root, String field, String type) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw malformed(type + ": missing field '" + field + "'");
    }
    return counterValue(node, field);
  }

  private static long counterValue(JsonNode node, String field) {
    if (!node.isIntegralNumber()) {
      throw malformed("field '" + field + "': expected an integer");
    }
    if (!node.canConvertToLong()) {
      throw ChatException.invalid(
          field + ": " + node.asText() + " (expected: 0.." + Long.MAX_VALUE + ")");
    }
    long value = node.longValue();
    if (value < 0) {
      throw ChatException.invalid(field + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static ChatException malformed(String message) {
    return new ChatException(ErrorCode.MALFORMED, message);
  }
}
