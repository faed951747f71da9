package dev.chatsdk.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ServerFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link ProtocolCodec#decode(String)} with arbitrary client text frames. In a plain {@code
 * mvn verify} this runs only the committed seeds under {@code
 * ProtocolCodecFuzzTestInputs/<method>/} (Jazzer's regression mode); with {@code JAZZER_FUZZ=1} it
 * fuzzes (see docs/SECURITY.md).
 */
class ProtocolCodecFuzzTest {
  private static final ProtocolCodec CODEC = ProtocolCodec.create();
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final Set<ErrorCode> DECODE_CODES =
      EnumSet.of(ErrorCode.MALFORMED, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_ARGUMENT);
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

  /** Generous for one frame of at most a few KiB even on a loaded machine; catches blow-ups. */
  private static final Duration PER_INPUT_BUDGET = Duration.ofSeconds(5);

  /**
   * Any text decodes to a well-formed frame or fails with MALFORMED, UNKNOWN_TYPE or
   * INVALID_ARGUMENT, promptly; and whatever the server echoes back from a decoded frame (its ref,
   * ids, body, cursors) encodes to JSON that reads back to the same values.
   */
  @FuzzTest(maxDuration = "2m")
  void decodeYieldsAFrameOrAProtocolError(byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    ClientFrame frame;
    try {
      frame = CODEC.decode(text);
    } catch (ChatException e) {
      assertThat(e.code()).as("code of %s", e.getMessage()).isIn(DECODE_CODES);
      assertThat(e.getMessage()).isNotBlank();
      assertEncodes(
          new ServerFrame.ErrorFrame(e.code().wireName(), e.getMessage(), null, null, false, 0));
      return;
    } finally {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PER_INPUT_BUDGET);
    }
    assertThat(frame).isNotNull();
    assertWellFormed(frame);
    for (ServerFrame echo : echoes(frame)) {
      assertEncodes(echo);
    }
  }

  private static void assertWellFormed(ClientFrame frame) {
    if (frame.ref() != null) {
      assertThat(frame.ref().length()).isLessThanOrEqualTo(ProtocolCodec.MAX_ID_LENGTH);
    }
    if (frame instanceof ClientFrame.Send s) {
      assertId(s.conversationId());
      assertId(s.clientMsgId());
    } else if (frame instanceof ClientFrame.Edit e) {
      assertId(e.conversationId());
      assertId(e.messageId());
    } else if (frame instanceof ClientFrame.Delete d) {
      assertId(d.conversationId());
      assertId(d.messageId());
    } else if (frame instanceof ClientFrame.Typing t) {
      assertId(t.conversationId());
    } else if (frame instanceof ClientFrame.Read r) {
      assertId(r.conversationId());
      assertThat(r.seq()).isNotNegative();
    } else if (frame instanceof ClientFrame.Sync s) {
      assertThat(s.cursors().size()).isLessThanOrEqualTo(ProtocolCodec.MAX_SYNC_CURSORS);
      s.cursors()
          .forEach(
              (id, seq) -> {
                assertId(id);
                assertThat(seq).isNotNegative();
              });
    } else if (frame instanceof ClientFrame.Auth a) {
      assertThat(a.token().length()).isBetween(1, ProtocolCodec.MAX_TOKEN_LENGTH);
    } else {
      assertThat(frame).isInstanceOf(ClientFrame.Ping.class);
    }
  }

  private static void assertId(String id) {
    assertThat(id.length()).isBetween(1, ProtocolCodec.MAX_ID_LENGTH);
  }

  /** The server frames that carry values taken from a client frame back to clients. */
  private static List<ServerFrame> echoes(ClientFrame frame) {
    List<ServerFrame> out = new ArrayList<>();
    String clientMsgId = frame instanceof ClientFrame.Send s ? s.clientMsgId() : null;
    out.add(
        new ServerFrame.ErrorFrame(
            ErrorCode.REJECTED.wireName(),
            "refused " + frame.type(),
            frame.ref(),
            clientMsgId,
            false,
            0));
    if (frame instanceof ClientFrame.Send s) {
      out.add(
          new ServerFrame.Ack(
              s.ref(), s.conversationId(), s.clientMsgId(), "m-1", 1, 1, NOW, false));
      out.add(
          new ServerFrame.MessageEvent(
              message("m-1", s.conversationId(), s.clientMsgId(), s.body())));
    } else if (frame instanceof ClientFrame.Edit e) {
      out.add(
          new ServerFrame.MessageEvent(
              message(e.messageId(), e.conversationId(), "c-1", e.body())));
    } else if (frame instanceof ClientFrame.Delete d) {
      out.add(
          new ServerFrame.Ack(d.ref(), d.conversationId(), "c-1", d.messageId(), 1, 2, NOW, false));
    } else if (frame instanceof ClientFrame.Typing t) {
      out.add(new ServerFrame.TypingEvent(t.conversationId(), "u-1", t.typing()));
    } else if (frame instanceof ClientFrame.Read r) {
      out.add(new ServerFrame.ReadEvent(r.conversationId(), "u-1", r.seq()));
    } else if (frame instanceof ClientFrame.Sync s) {
      out.add(new ServerFrame.Synced(s.ref(), s.cursors()));
    } else if (frame instanceof ClientFrame.Auth a) {
      out.add(new ServerFrame.Authenticated(a.ref(), NOW));
    } else {
      out.add(new ServerFrame.Pong(frame.ref(), NOW));
    }
    return out;
  }

  private static Message message(
      String id, String conversationId, String clientMsgId, String body) {
    return new Message(
        id, conversationId, 1, 2, "u-1", clientMsgId, body, List.of(), NOW, null, false);
  }

  /** Encodes a frame and checks that a plain JSON reader gets every value back unchanged. */
  private static void assertEncodes(ServerFrame frame) throws IOException {
    byte[] bytes;
    try {
      ByteBuffer buffer = CODEC.encode(frame).buffer();
      bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
    } catch (ChatException e) {
      fail("encoding " + frame.type() + " failed: " + e.getMessage(), e);
      return;
    }
    JsonNode json = PLAIN.readTree(bytes);
    assertThat(json.path("type").asText()).isEqualTo(frame.type());
    if (frame instanceof ServerFrame.ErrorFrame e) {
      assertText(json, "message", e.message());
      assertText(json, "ref", e.ref());
      assertText(json, "clientMsgId", e.clientMsgId());
    } else if (frame instanceof ServerFrame.Ack a) {
      assertText(json, "ref", a.ref());
      assertText(json, "conversationId", a.conversationId());
      assertText(json, "clientMsgId", a.clientMsgId());
      assertText(json, "id", a.id());
    } else if (frame instanceof ServerFrame.MessageEvent m) {
      JsonNode message = json.path("message");
      assertText(message, "id", m.message().id());
      assertText(message, "conversationId", m.message().conversationId());
      assertText(message, "clientMsgId", m.message().clientMsgId());
      assertText(message, "body", m.message().body());
    } else if (frame instanceof ServerFrame.TypingEvent t) {
      assertText(json, "conversationId", t.conversationId());
      assertThat(json.path("typing").asBoolean()).isEqualTo(t.typing());
    } else if (frame instanceof ServerFrame.ReadEvent r) {
      assertText(json, "conversationId", r.conversationId());
      assertThat(json.path("seq").asLong()).isEqualTo(r.seq());
    } else if (frame instanceof ServerFrame.Synced s) {
      assertText(json, "ref", s.ref());
      Map<String, Long> cursors = s.cursors();
      assertThat(json.path("cursors").size()).isEqualTo(cursors.size());
      cursors.forEach(
          (id, seq) -> assertThat(json.path("cursors").path(id).asLong()).isEqualTo(seq));
    } else if (frame instanceof ServerFrame.Authenticated a) {
      assertText(json, "ref", a.ref());
    } else if (frame instanceof ServerFrame.Pong p) {
      assertText(json, "ref", p.ref());
    }
  }

  private static void assertText(JsonNode json, String field, @Nullable String expected) {
    if (expected == null) {
      assertThat(json.has(field)).as("field %s", field).isFalse();
    } else {
      assertThat(json.path(field).textValue()).as("field %s", field).isEqualTo(expected);
    }
  }
}
