package dev.chatsdk.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ServerFrame;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void sendFrameIsEncodedWithItsFields() {
    String text = Json.encode(new ClientFrame.Send("r1", "c1", "k1", "hello \"you\""));
    assertThat(Json.parse(text))
        .isEqualTo(
            Json.parse(
                "{\"type\":\"send\",\"ref\":\"r1\",\"conversationId\":\"c1\","
                    + "\"clientMsgId\":\"k1\",\"body\":\"hello \\\"you\\\"\"}"));
  }

  @Test
  void nullRefIsOmitted() {
    assertThat(Json.encode(new ClientFrame.Ping(null))).isEqualTo("{\"type\":\"ping\"}");
  }

  @Test
  void syncAuthReadAndTypingFramesAreEncoded() {
    assertThat(Json.parse(Json.encode(new ClientFrame.Sync("s", Map.of("c1", 4L)))))
        .isEqualTo(Json.parse("{\"type\":\"sync\",\"ref\":\"s\",\"cursors\":{\"c1\":4}}"));
    assertThat(Json.parse(Json.encode(new ClientFrame.Auth("a", "tok"))))
        .isEqualTo(Json.parse("{\"type\":\"auth\",\"ref\":\"a\",\"token\":\"tok\"}"));
    assertThat(Json.parse(Json.encode(new ClientFrame.Read(null, "c1", 7))))
        .isEqualTo(Json.parse("{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":7}"));
    assertThat(Json.parse(Json.encode(new ClientFrame.Typing(null, "c1", true))))
        .isEqualTo(Json.parse("{\"type\":\"typing\",\"conversationId\":\"c1\",\"typing\":true}"));
  }

  @Test
  void helloIsDecodedWithItsConversations() {
    String text =
        "{\"type\":\"hello\",\"sessionId\":\"s1\",\"user\":{\"id\":\"u1\",\"username\":\"alice\","
            + "\"displayName\":\"Alice\",\"createdAt\":\"2026-11-24T10:00:00.123Z\"},"
            + "\"serverTime\":\"2026-11-24T10:00:01.000Z\",\"tokenExpiresAt\":\"2026-11-24T11:00:00Z\","
            + "\"heartbeatMs\":25000,\"conversations\":[{\"conversation\":{\"id\":\"c1\",\"kind\":\"group\","
            + "\"title\":\"Team\",\"members\":[{\"userId\":\"u1\",\"role\":\"admin\",\"joinedAt\":"
            + "\"2026-11-24T10:00:00Z\"}],\"createdAt\":\"2026-11-24T10:00:00Z\"},\"lastSeq\":57,"
            + "\"readSeq\":50,\"unread\":3,\"extra\":true}],\"future\":1}";
    ServerFrame.Hello hello = (ServerFrame.Hello) Json.decodeServerFrame(text).orElseThrow();
    assertThat(hello.user().username()).isEqualTo("alice");
    assertThat(hello.heartbeatMs()).isEqualTo(25000);
    assertThat(hello.conversations())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.lastSeq()).isEqualTo(57);
              assertThat(s.conversation().kind()).isEqualTo(ConversationKind.GROUP);
              assertThat(s.conversation().members().get(0).role()).isEqualTo(MemberRole.ADMIN);
              assertThat(s.lastMessage()).isNull();
            });
  }

  @Test
  void messageAckAndErrorFramesAreDecoded() {
    ServerFrame.MessageEvent event =
        (ServerFrame.MessageEvent)
            Json.decodeServerFrame(
                    "{\"type\":\"message\",\"message\":{\"id\":\"m9\",\"conversationId\":\"c1\","
                        + "\"seq\":42,\"modSeq\":43,\"senderId\":\"u1\",\"clientMsgId\":\"k\","
                        + "\"body\":\"hi\",\"attachments\":[],\"createdAt\":\"2026-11-24T10:00:00.123Z\","
                        + "\"editedAt\":\"2026-11-24T10:00:05Z\",\"deleted\":false}}")
                .orElseThrow();
    assertThat(event.message().seq()).isEqualTo(42);
    assertThat(event.message().modSeq()).isEqualTo(43);
    assertThat(event.message().editedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:05Z"));

    ServerFrame.Ack ack =
        (ServerFrame.Ack)
            Json.decodeServerFrame(
                    "{\"type\":\"ack\",\"ref\":\"r1\",\"conversationId\":\"c1\",\"clientMsgId\":\"k\","
                        + "\"id\":\"m9\",\"seq\":42,\"modSeq\":42,\"createdAt\":\"2026-11-24T10:00:00.123Z\","
                        + "\"duplicate\":true}")
                .orElseThrow();
    assertThat(ack.duplicate()).isTrue();

    ServerFrame.ErrorFrame error =
        (ServerFrame.ErrorFrame)
            Json.decodeServerFrame(
                    "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\","
                        + "\"clientMsgId\":\"k\",\"retryable\":true,\"retryAfterMs\":250}")
                .orElseThrow();
    assertThat(error.retryAfterMs()).isEqualTo(250);
    assertThat(Json.errorCode(error.code(), 0)).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void syncedReauthAndAuthenticatedAreDecoded() {
    assertThat(Json.decodeServerFrame("{\"type\":\"synced\",\"cursors\":{\"c1\":9}}"))
        .get()
        .isEqualTo(new ServerFrame.Synced(null, Map.of("c1", 9L)));
    assertThat(
            Json.decodeServerFrame("{\"type\":\"reauth\",\"expiresAt\":\"2026-11-24T11:00:00Z\"}"))
        .get()
        .isEqualTo(new ServerFrame.Reauth(Instant.parse("2026-11-24T11:00:00Z")));
    assertThat(
            Json.decodeServerFrame(
                "{\"type\":\"authenticated\",\"ref\":\"a1\",\"expiresAt\":\"2026-11-24T12:00:00Z\"}"))
        .get()
        .isEqualTo(new ServerFrame.Authenticated("a1", Instant.parse("2026-11-24T12:00:00Z")));
  }

  @Test
  void unknownFrameTypeIsIgnored() {
    assertThat(Json.decodeServerFrame("{\"type\":\"sticker\",\"sticker\":{}}")).isEmpty();
  }

  @Test
  void brokenFramesAreMalformed() {
    assertThatThrownBy(() -> Json.decodeServerFrame("{not json"))
        .isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.MALFORMED));
    assertThatThrownBy(() -> Json.decodeServerFrame("{\"type\":\"ack\",\"conversationId\":\"c1\"}"))
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("clientMsgId");
    assertThatThrownBy(() -> Json.decodeServerFrame("{\"type\":\"reauth\",\"expiresAt\":\"soon\"}"))
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("expiresAt: 'soon'");
  }

  @Test
  void restErrorBodyMapsToItsCode() {
    ChatException e =
        Json.error("{\"error\":{\"code\":\"conflict\",\"message\":\"username: taken\"}}", 409)
            .orElseThrow();
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).isEqualTo("username: taken");
    assertThat(Json.error("<html>", 502)).isEmpty();
    assertThat(Json.errorCode("", 503)).isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
