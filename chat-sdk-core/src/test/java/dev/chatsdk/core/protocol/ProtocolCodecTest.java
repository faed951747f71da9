package dev.chatsdk.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-24T10:00:05Z");

  private static final ObjectMapper CLIENT_MAPPER = new ObjectMapper();

  private final ProtocolCodec codec = ProtocolCodec.create();
  private final ObjectMapper plain = new ObjectMapper();

  private static final User ALICE = new User("u1", "alice", "Alice", "b7", T0, T1);
  private static final Message MESSAGE =
      new Message(
          "m9",
          "c1",
          42,
          42,
          "u1",
          "01JD3",
          "hello",
          List.of(new Attachment("b1", "image/png", 12)),
          T0,
          null,
          false);
  private static final Conversation GROUP =
      new Conversation(
          "c1",
          ConversationKind.GROUP,
          "Team",
          List.of(new Member("u1", MemberRole.ADMIN, T0), new Member("u2", MemberRole.MEMBER, T0)),
          T0);

  // ---- client frames --------------------------------------------------------------------------

  @Test
  void everyClientFrameRoundTrips() throws Exception {
    List<ClientFrame> frames =
        List.of(
            new ClientFrame.Send("r1", "c1", "01JD3", "hello \u00e9\u4e16 \"quoted\""),
            new ClientFrame.Send(null, "c1", "01JD3", ""),
            new ClientFrame.Edit("r2", "c1", "m9", "edited"),
            new ClientFrame.Delete("r3", "c1", "m9"),
            new ClientFrame.Typing(null, "c1", true),
            new ClientFrame.Typing("r4", "c1", false),
            new ClientFrame.Read("r5", "c1", 57),
            new ClientFrame.Sync("r6", Map.of("c1", 10L, "c2", 0L)),
            new ClientFrame.Sync(null, Map.of()),
            new ClientFrame.Auth("r7", "eyJhbGciOi.x.y"),
            new ClientFrame.Ping("r8"),
            new ClientFrame.Ping(null));
    for (ClientFrame frame : frames) {
      String json = clientJson(frame);
      assertThat(codec.decode(json)).as(json).isEqualTo(frame);
    }
  }

  @Test
  void decodesTheDocumentedSendExample() {
    ClientFrame frame =
        codec.decode(
            "{\"type\":\"send\",\"ref\":\"r1\",\"conversationId\":\"c1\","
                + "\"clientMsgId\":\"01JD3...\",\"body\":\"hello\"}");
    assertThat(frame).isEqualTo(new ClientFrame.Send("r1", "c1", "01JD3...", "hello"));
  }

  @Test
  void unknownFieldsAreIgnoredAndTypeMayComeLast() {
    ClientFrame frame =
        codec.decode("{\"extra\":{\"a\":[1,2]},\"ref\":null,\"future\":true,\"type\":\"ping\"}");
    assertThat(frame).isEqualTo(new ClientFrame.Ping(null));
  }

  @Test
  void badJsonIsMalformed() {
    for (String text :
        List.of(
            "",
            " ",
            "{",
            "{\"type\":\"ping\"",
            "{\"type\":\"ping\"} trailing",
            "{\"type\":\"ping\"}{}",
            "nul",
            "{'type':'ping'}",
            "{\"type\":\"ping\",\"type\":\"send\"}",
            "\u0000",
            "{\"type\":\"ping\",}")) {
      assertCode(text, ErrorCode.MALFORMED);
    }
  }

  @Test
  void nonObjectsAreMalformed() {
    for (String text : List.of("null", "1", "\"ping\"", "[]", "[{\"type\":\"ping\"}]", "true")) {
      assertCode(text, ErrorCode.MALFORMED);
    }
  }

  @Test
  void missingOrWrongTypedFieldsAreMalformed() {
    for (String text :
        List.of(
            "{}",
            "{\"type\":null}",
            "{\"type\":7}",
            "{\"type\":[\"ping\"]}",
            "{\"type\":\"ping\",\"ref\":5}",
            "{\"type\":\"send\",\"conversationId\":\"c1\",\"clientMsgId\":\"x\"}",
            "{\"type\":\"send\",\"conversationId\":\"c1\",\"clientMsgId\":\"x\",\"body\":null}",
            "{\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"x\",\"body\":\"b\"}",
            "{\"type\":\"send\",\"conversationId\":\"c1\",\"clientMsgId\":\"x\",\"body\":{}}",
            "{\"type\":\"edit\",\"conversationId\":\"c1\",\"body\":\"b\"}",
            "{\"type\":\"delete\",\"conversationId\":\"c1\"}",
            "{\"type\":\"typing\",\"conversationId\":\"c1\"}",
            "{\"type\":\"typing\",\"conversationId\":\"c1\",\"typing\":\"true\"}",
            "{\"type\":\"typing\",\"conversationId\":\"c1\",\"typing\":1}",
            "{\"type\":\"read\",\"conversationId\":\"c1\"}",
            "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":\"5\"}",
            "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":5.5}",
            "{\"type\":\"sync\"}",
            "{\"type\":\"sync\",\"cursors\":[]}",
            "{\"type\":\"sync\",\"cursors\":{\"c1\":\"1\"}}",
            "{\"type\":\"sync\",\"cursors\":{\"c1\":null}}",
            "{\"type\":\"auth\"}",
            "{\"type\":\"auth\",\"token\":42}")) {
      assertCode(text, ErrorCode.MALFORMED);
    }
  }

  @Test
  void unknownTypeIsUnknownType() {
    ChatException e = assertCode("{\"type\":\"launch\",\"ref\":\"r\"}", ErrorCode.UNKNOWN_TYPE);
    assertThat(e.getMessage()).contains("launch").contains("send");
    assertCode("{\"type\":\"\"}", ErrorCode.UNKNOWN_TYPE);
    assertCode("{\"type\":\"SEND\"}", ErrorCode.UNKNOWN_TYPE);
  }

  @Test
  void outOfRangeValuesAreInvalidArgument() {
    String longId = "x".repeat(129);
    for (String text :
        List.of(
            "{\"type\":\"send\",\"conversationId\":\"\",\"clientMsgId\":\"x\",\"body\":\"b\"}",
            "{\"type\":\"send\",\"conversationId\":\"c1\",\"clientMsgId\":\""
                + longId
                + "\",\"body\":\"b\"}",
            "{\"type\":\"ping\",\"ref\":\"" + longId + "\"}",
            "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":-1}",
            "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":99999999999999999999999}",
            "{\"type\":\"sync\",\"cursors\":{\"c1\":-5}}",
            "{\"type\":\"sync\",\"cursors\":{\"\":1}}",
            "{\"type\":\"auth\",\"token\":\"\"}",
            "{\"type\":\"auth\",\"token\":\"" + "t".repeat(8193) + "\"}")) {
      assertCode(text, ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void errorMessagesNameTheFieldAndTheExpectation() {
    assertThat(
            assertCode(
                    "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":-1}",
                    ErrorCode.INVALID_ARGUMENT)
                .getMessage())
        .isEqualTo("seq: -1 (expected: >= 0)");
    assertThat(
            assertCode("{\"type\":\"send\",\"conversationId\":\"c1\"}", ErrorCode.MALFORMED)
                .getMessage())
        .contains("clientMsgId");
  }

  @Test
  void randomGarbageOnlyEverFailsWithChatException() {
    Random random = new Random(42);
    String alphabet = "{}[]\":,0123456789-.eE truefalsnul\\u\u00e9abc";
    List<String> seeds =
        List.of(
            "{\"type\":\"send\",\"conversationId\":\"c1\",\"clientMsgId\":\"x\",\"body\":\"b\"}",
            "{\"type\":\"sync\",\"cursors\":{\"c1\":3,\"c2\":4}}",
            "{\"type\":\"read\",\"conversationId\":\"c1\",\"seq\":5}");
    for (int i = 0; i < 5000; i++) {
      String text;
      if (i % 2 == 0) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(40);
        for (int j = 0; j < n; j++) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        text = sb.toString();
      } else {
        char[] chars = seeds.get(random.nextInt(seeds.size())).toCharArray();
        for (int k = 0; k < 3; k++) {
          chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        text = new String(chars);
      }
      Throwable t = catchThrowable(() -> codec.decode(text));
      if (t != null) {
        assertThat(t).as(text).isInstanceOf(ChatException.class);
        assertThat(((ChatException) t).code())
            .as(text)
            .isIn(ErrorCode.MALFORMED, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_ARGUMENT);
      }
    }
  }

  @Test
  void deeplyNestedInputIsRefusedAsMalformed() {
    String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertCode(deep, ErrorCode.MALFORMED);
  }

  // ---- server frames --------------------------------------------------------------------------

  @Test
  void encodesTheDocumentedAckExampleExactly() {
    Frame frame =
        codec.encode(new ServerFrame.Ack("r1", "c1", "01JD3...", "m9", 42, 42, T0, false));
    assertThat(frame.text())
        .isEqualTo(
            "{\"type\":\"ack\",\"ref\":\"r1\",\"conversationId\":\"c1\",\"clientMsgId\":\"01JD3...\","
                + "\"id\":\"m9\",\"seq\":42,\"modSeq\":42,\"createdAt\":\"2026-11-24T10:00:00.123Z\","
                + "\"duplicate\":false}");
  }

  @Test
  void encodesTheDocumentedMessageExampleExactly() {
    Message m =
        new Message("m9", "c1", 42, 42, "u1", "01JD3...", "hello", List.of(), T0, null, false);
    assertThat(codec.encode(new ServerFrame.MessageEvent(m)).text())
        .isEqualTo(
            "{\"type\":\"message\",\"message\":{\"id\":\"m9\",\"conversationId\":\"c1\",\"seq\":42,"
                + "\"modSeq\":42,\"senderId\":\"u1\",\"clientMsgId\":\"01JD3...\",\"body\":\"hello\","
                + "\"attachments\":[],\"createdAt\":\"2026-11-24T10:00:00.123Z\",\"deleted\":false}}");
  }

  @Test
  void encodesTheDocumentedErrorExampleExactly() {
    assertThat(
            codec
                .encode(
                    new ServerFrame.ErrorFrame(
                        "forbidden", "conversation c9: not a member", "r2", null, false, 0))
                .text())
        .isEqualTo(
            "{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"conversation c9: not a member\","
                + "\"ref\":\"r2\",\"retryable\":false,\"retryAfterMs\":0}");
  }

  @Test
  void instantsAlwaysCarryMilliseconds() {
    Frame frame = codec.encode(new ServerFrame.Reauth(Instant.parse("2026-11-24T10:00:00Z")));
    assertThat(frame.text())
        .isEqualTo("{\"type\":\"reauth\",\"expiresAt\":\"2026-11-24T10:00:00.000Z\"}");
    assertThat(ProtocolCodec.formatInstant(Instant.parse("2026-11-24T10:00:00.123456Z")))
        .isEqualTo("2026-11-24T10:00:00.123Z");
  }

  @Test
  void everyServerFrameEncodesWithTypeFirstAndReadsBack() throws Exception {
    ConversationSummary summary = new ConversationSummary(GROUP, 57, 50, 3, MESSAGE);
    ConversationSummary empty =
        new ConversationSummary(
            new Conversation(
                "d1",
                ConversationKind.DIRECT,
                null,
                List.of(
                    new Member("u1", MemberRole.MEMBER, T0),
                    new Member("u2", MemberRole.MEMBER, T0)),
                T0),
            0,
            0,
            0,
            null);
    List<ServerFrame> frames =
        List.of(
            new ServerFrame.Hello("s1", ALICE, T0, T1, 25_000, List.of(summary, empty)),
            new ServerFrame.MessageEvent(MESSAGE),
            new ServerFrame.MessageEvent(MESSAGE.withEdit("edited", 50, T1)),
            new ServerFrame.MessageEvent(MESSAGE.asDeleted(51, T1)),
            new ServerFrame.Ack("r1", "c1", "01JD3", "m9", 42, 42, T0, true),
            new ServerFrame.Ack(null, "c1", "01JD3", "m9", 42, 43, T0, false),
            new ServerFrame.ReadEvent("c1", "u2", 40),
            new ServerFrame.TypingEvent("c1", "u2", true),
            new ServerFrame.PresenceEvent("u2", false, T1),
            new ServerFrame.PresenceEvent("u2", true, null),
            new ServerFrame.ConversationEvent("member_added", GROUP, "u2"),
            new ServerFrame.ConversationEvent("created", GROUP, null),
            new ServerFrame.ErrorFrame("rate_limited", "slow down", "r9", "01JD3", true, 1500),
            new ServerFrame.Pong("r2", T0),
            new ServerFrame.Pong(null, T0),
            new ServerFrame.Synced("r3", Map.of("c1", 42L, "c2", 7L)),
            new ServerFrame.Reauth(T1),
            new ServerFrame.Authenticated("r4", T1),
            new ServerFrame.UserEvent(ALICE.withAvatarId(null)));
    for (ServerFrame frame : frames) {
      Frame encoded = codec.encode(frame);
      JsonNode node = plain.readTree(encoded.text());
      assertThat(node.fieldNames().next()).isEqualTo("type");
      assertThat(node.get("type").asText()).isEqualTo(frame.type());
      assertThat(readServerFrame(node)).as(encoded.text()).isEqualTo(frame);
      assertThat(encoded.text()).doesNotContain("null");
      byte[] utf8 = new byte[encoded.size()];
      encoded.buffer().get(utf8);
      assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(encoded.text());
    }
  }

  @Test
  void nonAsciiTextIsUtf8() {
    Message m =
        new Message(
            "m1", "c1", 1, 1, "u1", "k", "gr\u00fc\u00df \ud83d\ude00", List.of(), T0, null, false);
    Frame frame = codec.encode(new ServerFrame.MessageEvent(m));
    byte[] bytes = new byte[frame.size()];
    frame.buffer().get(bytes);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("gr\u00fc\u00df \ud83d\ude00");
  }

  // ---- toJson / fromJson ----------------------------------------------------------------------

  @Test
  void toJsonWritesApiRecordsCollectionsAndMapsUnderTheWireRules() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", ALICE.withAvatarId(null));
    body.put("presence", new Presence("u1", false, T1));
    body.put("markers", List.of(new ReadMarker("c1", "u1", 3)));
    body.put("conversation", GROUP);
    body.put("missing", null);
    body.put("kind", ConversationKind.DIRECT);
    body.put("at", T1);
    String json = new String(codec.toJson(body), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"user\":{\"id\":\"u1\",\"username\":\"alice\",\"displayName\":\"Alice\","
                + "\"createdAt\":\"2026-11-24T10:00:00.123Z\",\"lastSeenAt\":\"2026-11-24T10:00:05.000Z\"},"
                + "\"presence\":{\"userId\":\"u1\",\"online\":false,\"lastSeen\":\"2026-11-24T10:00:05.000Z\"},"
                + "\"markers\":[{\"conversationId\":\"c1\",\"userId\":\"u1\",\"seq\":3}],"
                + "\"conversation\":{\"id\":\"c1\",\"kind\":\"group\",\"title\":\"Team\",\"members\":["
                + "{\"userId\":\"u1\",\"role\":\"admin\",\"joinedAt\":\"2026-11-24T10:00:00.123Z\"},"
                + "{\"userId\":\"u2\",\"role\":\"member\",\"joinedAt\":\"2026-11-24T10:00:00.123Z\"}],"
                + "\"createdAt\":\"2026-11-24T10:00:00.123Z\"},"
                + "\"kind\":\"direct\",\"at\":\"2026-11-24T10:00:05.000Z\"}");
  }

  @Test
  void toJsonWritesOtherRecordsByComponentNamesOmittingNulls() {
    record Page(List<Message> messages, @Nullable String next, int count) {}
    String json =
        new String(codec.toJson(new Page(List.of(MESSAGE), null, 1)), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"messages\":[{\"id\":\"m9\"").endsWith("\"count\":1}");
    assertThat(json).doesNotContain("next");
  }

  /** A REST request body used by the fromJson tests. */
  record Signup(String username, String password, @Nullable Instant at, MemberRole role) {
    Signup {
      java.util.Objects.requireNonNull(username, "username");
      java.util.Objects.requireNonNull(password, "password");
      java.util.Objects.requireNonNull(role, "role");
      if (password.length() < 8) {
        throw ChatException.invalid("password: length " + password.length() + " (expected: >= 8)");
      }
    }
  }

  @Test
  void fromJsonReadsRecordsWithLowerCaseEnumsAndInstants() {
    Signup s =
        codec.fromJson(
            bytes(
                "{\"username\":\"bob\",\"password\":\"secret123\",\"at\":\"2026-11-24T10:00:05.000Z\","
                    + "\"role\":\"admin\",\"ignored\":1}"),
            Signup.class);
    assertThat(s).isEqualTo(new Signup("bob", "secret123", T1, MemberRole.ADMIN));
  }

  @Test
  void fromJsonReportsBadBodiesAsMalformed() {
    for (String body :
        List.of(
            "",
            "{",
            "[]",
            "null",
            "42",
            "{\"username\":\"bob\"}",
            "{\"username\":\"bob\",\"password\":7,\"role\":\"admin\"}",
            "{\"username\":\"bob\",\"password\":\"secret123\",\"role\":\"king\"}",
            "{\"username\":\"bob\",\"password\":\"secret123\",\"role\":\"admin\",\"at\":\"yesterday\"}",
            "{\"username\":\"bob\",\"password\":\"secret123\",\"role\":\"admin\"} x")) {
      Throwable t = catchThrowable(() -> codec.fromJson(bytes(body), Signup.class));
      assertThat(t).as(body).isInstanceOf(ChatException.class);
      assertThat(((ChatException) t).code()).as(body).isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void fromJsonPassesOnTheRecordsOwnValidation() {
    assertThatThrownBy(
            () ->
                codec.fromJson(
                    bytes("{\"username\":\"bob\",\"password\":\"short\",\"role\":\"member\"}"),
                    Signup.class))
        .isInstanceOf(ChatException.class)
        .satisfies(
            e -> {
              assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).isEqualTo("password: length 5 (expected: >= 8)");
            });
  }

  @Test
  void fromJsonNamesTheMissingField() {
    assertThatThrownBy(
            () ->
                codec.fromJson(
                    bytes("{\"password\":\"secret123\",\"role\":\"member\"}"), Signup.class))
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("username");
  }

  @Test
  void codecIsSafeToShareAcrossThreads() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 300; i++) {
                    ClientFrame f = new ClientFrame.Read("r" + id, "c" + id, i);
                    if (!codec.decode(clientJson(f)).equals(f)) {
                      throw new AssertionError("decoded differently: " + f);
                    }
                    codec.encode(new ServerFrame.ReadEvent("c" + id, "u", i));
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    assertThat(failures).isEmpty();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private ChatException assertCode(String text, ErrorCode code) {
    Throwable t = catchThrowable(() -> codec.decode(text));
    assertThat(t).as(text).isInstanceOf(ChatException.class);
    assertThat(((ChatException) t).code()).as(text).isEqualTo(code);
    return (ChatException) t;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a client frame the way a client would, independently of the codec under test. */
  private static String clientJson(ClientFrame f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", f.type());
    if (f.ref() != null) {
      m.put("ref", f.ref());
    }
    if (f instanceof ClientFrame.Send s) {
      m.put("conversationId", s.conversationId());
      m.put("clientMsgId", s.clientMsgId());
      m.put("body", s.body());
    } else if (f instanceof ClientFrame.Edit s) {
      m.put("conversationId", s.conversationId());
      m.put("messageId", s.messageId());
      m.put("body", s.body());
    } else if (f instanceof ClientFrame.Delete s) {
      m.put("conversationId", s.conversationId());
      m.put("messageId", s.messageId());
    } else if (f instanceof ClientFrame.Typing s) {
      m.put("conversationId", s.conversationId());
      m.put("typing", s.typing());
    } else if (f instanceof ClientFrame.Read s) {
      m.put("conversationId", s.conversationId());
      m.put("seq", s.seq());
    } else if (f instanceof ClientFrame.Sync s) {
      m.put("cursors", s.cursors());
    } else if (f instanceof ClientFrame.Auth s) {
      m.put("token", s.token());
    }
    try {
      return CLIENT_MAPPER.writeValueAsString(m);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Reads an encoded server frame back into its record, independently of the codec. */
  private static ServerFrame readServerFrame(JsonNode n) {
    switch (n.get("type").asText()) {
      case "hello":
        List<ConversationSummary> list = new ArrayList<>();
        n.get("conversations").forEach(s -> list.add(summary(s)));
        return new ServerFrame.Hello(
            n.get("sessionId").asText(),
            user(n.get("user")),
            instant(n, "serverTime"),
            instant(n, "tokenExpiresAt"),
            n.get("heartbeatMs").asLong(),
            list);
      case "message":
        return new ServerFrame.MessageEvent(message(n.get("message")));
      case "ack":
        return new ServerFrame.Ack(
            text(n, "ref"),
            n.get("conversationId").asText(),
            n.get("clientMsgId").asText(),
            n.get("id").asText(),
            n.get("seq").asLong(),
            n.get("modSeq").asLong(),
            instant(n, "createdAt"),
            n.get("duplicate").asBoolean());
      case "read":
        return new ServerFrame.ReadEvent(
            n.get("conversationId").asText(), n.get("userId").asText(), n.get("seq").asLong());
      case "typing":
        return new ServerFrame.TypingEvent(
            n.get("conversationId").asText(),
            n.get("userId").asText(),
            n.get("typing").booleanValue());
      case "presence":
        return new ServerFrame.PresenceEvent(
            n.get("userId").asText(), n.get("online").booleanValue(), instant(n, "lastSeen"));
      case "conversation":
        return new ServerFrame.ConversationEvent(
            n.get("change").asText(), conversation(n.get("conversation")), text(n, "userId"));
      case "error":
        return new ServerFrame.ErrorFrame(
            n.get("code").asText(),
            n.get("message").asText(),
            text(n, "ref"),
            text(n, "clientMsgId"),
            n.get("retryable").booleanValue(),
            n.get("retryAfterMs").asLong());
      case "pong":
        return new ServerFrame.Pong(text(n, "ref"), instant(n, "serverTime"));
      case "synced":
        Map<String, Long> cursors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.get("cursors").properties()) {
          cursors.put(e.getKey(), e.getValue().asLong());
        }
        return new ServerFrame.Synced(text(n, "ref"), cursors);
      case "reauth":
        return new ServerFrame.Reauth(instant(n, "expiresAt"));
      case "authenticated":
        return new ServerFrame.Authenticated(text(n, "ref"), instant(n, "expiresAt"));
      case "user":
        return new ServerFrame.UserEvent(user(n.get("user")));
      default:
        throw new AssertionError(n);
    }
  }

  private static ConversationSummary summary(JsonNode n) {
    return new ConversationSummary(
        conversation(n.get("conversation")),
        n.get("lastSeq").asLong(),
        n.get("readSeq").asLong(),
        n.get("unread").asLong(),
        n.has("lastMessage") ? message(n.get("lastMessage")) : null);
  }

  private static Conversation conversation(JsonNode n) {
    List<Member> members = new ArrayList<>();
    n.get("members")
        .forEach(
            m ->
                members.add(
                    new Member(
                        m.get("userId").asText(),
                        MemberRole.valueOf(
                            m.get("role").asText().toUpperCase(java.util.Locale.ROOT)),
                        instant(m, "joinedAt"))));
    assertThat(Set.of("direct", "group")).contains(n.get("kind").asText());
    return new Conversation(
        n.get("id").asText(),
        ConversationKind.valueOf(n.get("kind").asText().toUpperCase(java.util.Locale.ROOT)),
        text(n, "title"),
        members,
        instant(n, "createdAt"));
  }

  private static User user(JsonNode n) {
    return new User(
        n.get("id").asText(),
        n.get("username").asText(),
        n.get("displayName").asText(),
        text(n, "avatarId"),
        instant(n, "createdAt"),
        instant(n, "lastSeenAt"));
  }

  private static Message message(JsonNode n) {
    List<Attachment> attachments = new ArrayList<>();
    n.get("attachments")
        .forEach(
            a ->
                attachments.add(
                    new Attachment(
                        a.get("blobId").asText(),
                        a.get("contentType").asText(),
                        a.get("size").asLong())));
    return new Message(
        n.get("id").asText(),
        n.get("conversationId").asText(),
        n.get("seq").asLong(),
        n.get("modSeq").asLong(),
        n.get("senderId").asText(),
        n.get("clientMsgId").asText(),
        n.get("body").asText(),
        attachments,
        instant(n, "createdAt"),
        instant(n, "editedAt"),
        n.get("deleted").booleanValue());
  }

  @Test
  void instantsPrintLikeTheIsoFormatterAcrossTheCalendar() {
    java.time.format.DateTimeFormatter iso =
        new java.time.format.DateTimeFormatterBuilder()
            .appendInstant(3)
            .toFormatter(java.util.Locale.ROOT);
    List<Instant> cases =
        new ArrayList<>(
            List.of(
                Instant.EPOCH,
                Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.parse("2000-02-29T12:34:56.789Z"),
                Instant.parse("2100-03-01T00:00:00Z"),
                Instant.parse("1000-01-01T00:00:00Z"),
                Instant.parse("0999-12-31T23:59:59.999Z"),
                Instant.parse("9999-12-31T23:59:59.999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("2026-11-24T10:00:00.123456789Z")));
    Random random = new Random(8);
    for (int i = 0; i < 200_000; i++) {
      long second = -40_000_000_000L + (long) (random.nextDouble() * 300_000_000_000L);
      cases.add(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)));
    }
    for (Instant t : cases) {
      assertThat(ProtocolCodec.formatInstant(t)).as("%s", t).isEqualTo(iso.format(t));
    }
  }

  @Test
  void encodingReusesNoBytesBetweenFrames() {
    ProtocolCodec codec = ProtocolCodec.create();
    Frame big =
        codec.encode(new ServerFrame.ErrorFrame("x", "y".repeat(50_000), null, null, false, 0));
    Frame small = codec.encode(new ServerFrame.Reauth(T1));
    Frame again = codec.encode(new ServerFrame.Reauth(T0));
    assertThat(big.text()).hasSize(big.buffer().remaining()).contains("y".repeat(50_000));
    assertThat(small.text())
        .isEqualTo("{\"type\":\"reauth\",\"expiresAt\":\"2026-11-24T10:00:05.000Z\"}");
    assertThat(again.text())
        .isEqualTo("{\"type\":\"reauth\",\"expiresAt\":\"2026-11-24T10:00:00.123Z\"}");
    assertThat(new String(codec.toJson(Map.of("a", 1)), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":1}");
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) {
      return null;
    }
    String s = v.asText();
    assertThat(s).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    return Instant.parse(s);
  }
}
