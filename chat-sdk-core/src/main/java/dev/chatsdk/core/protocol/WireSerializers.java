package dev.chatsdk.core.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written serializers for the wire's shared objects and server frames, so field order and
 * presence are exactly those of {@code docs/PROTOCOL.md} and do not depend on reflection.
 */
final class WireSerializers {
  private static final DateTimeFormatter INSTANT =
      new DateTimeFormatterBuilder().appendInstant(3).toFormatter(Locale.ROOT);

  private WireSerializers() {}

  /** 1000-01-01T00:00:00Z: from here on the fast path prints the year in four digits. */
  private static final long FAST_MIN_SECOND = -30_610_224_000L;

  /** 9999-12-31T23:59:59Z: the last second the fast path prints. */
  private static final long FAST_MAX_SECOND = 253_402_300_799L;

  /**
   * ISO-8601 UTC with exactly three fractional digits ({@code 2026-11-24T13:45:00.123Z}). Years
   * 1000 to 9999 are printed by arithmetic on the epoch second (civil-from-days), without the
   * formatter's allocations; any other year goes through {@link DateTimeFormatter}, which prints
   * the same form.
   */
  static String formatInstant(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FAST_MIN_SECOND || seconds > FAST_MAX_SECOND) {
      return INSTANT.format(instant);
    }
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    // days since 0000-03-01 split into 400-year eras, so that leap days end each year
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    long dayOfEra = z - era * 146_097L;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    int millis = instant.getNano() / 1_000_000;
    byte[] b = new byte[24];
    digits(b, 0, year, 4);
    b[4] = '-';
    digits(b, 5, month, 2);
    b[7] = '-';
    digits(b, 8, day, 2);
    b[10] = 'T';
    digits(b, 11, secondOfDay / 3600, 2);
    b[13] = ':';
    digits(b, 14, secondOfDay / 60 % 60, 2);
    b[16] = ':';
    digits(b, 17, secondOfDay % 60, 2);
    b[19] = '.';
    digits(b, 20, millis, 3);
    b[23] = 'Z';
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static void digits(byte[] b, int at, int value, int width) {
    int v = value;
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
  }

  static void register(SimpleModule module) {
    module.addSerializer(Instant.class, serializer((v, g) -> g.writeString(formatInstant(v))));
    module.addDeserializer(Instant.class, new InstantDeserializer());
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Enum<?>> enumClass = (Class) Enum.class;
    module.addSerializer(
        enumClass, serializer((v, g) -> g.writeString(v.name().toLowerCase(Locale.ROOT))));
    module.addSerializer(User.class, serializer(WireSerializers::writeUser));
    module.addSerializer(Message.class, serializer(WireSerializers::writeMessage));
    module.addSerializer(Attachment.class, serializer(WireSerializers::writeAttachment));
    module.addSerializer(Conversation.class, serializer(WireSerializers::writeConversation));
    module.addSerializer(Member.class, serializer(WireSerializers::writeMember));
    module.addSerializer(ConversationSummary.class, serializer(WireSerializers::writeSummary));
    module.addSerializer(Presence.class, serializer(WireSerializers::writePresence));
    module.addSerializer(ReadMarker.class, serializer(WireSerializers::writeReadMarker));
    module.addSerializer(ServerFrame.class, serializer(WireSerializers::writeFrame));
  }

  static void writeFrame(ServerFrame frame, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", frame.type());
    if (frame instanceof ServerFrame.MessageEvent f) {
      g.writeFieldName("message");
      writeMessage(f.message(), g);
    } else if (frame instanceof ServerFrame.Ack f) {
      optionalString(g, "ref", f.ref());
      g.writeStringField("conversationId", f.conversationId());
      g.writeStringField("clientMsgId", f.clientMsgId());
      g.writeStringField("id", f.id());
      g.writeNumberField("seq", f.seq());
      g.writeNumberField("modSeq", f.modSeq());
      instant(g, "createdAt", f.createdAt());
      g.writeBooleanField("duplicate", f.duplicate());
    } else if (frame instanceof ServerFrame.ReadEvent f) {
      g.writeStringField("conversationId", f.conversationId());
      g.writeStringField("userId", f.userId());
      g.writeNumberField("seq", f.seq());
    } else if (frame instanceof ServerFrame.TypingEvent f) {
      g.writeStringField("conversationId", f.conversationId());
      g.writeStringField("userId", f.userId());
      g.writeBooleanField("typing", f.typing());
    } else if (frame instanceof ServerFrame.PresenceEvent f) {
      g.writeStringField("userId", f.userId());
      g.writeBooleanField("online", f.online());
      optionalInstant(g, "lastSeen", f.lastSeen());
    } else if (frame instanceof ServerFrame.ConversationEvent f) {
      g.writeStringField("change", f.change());
      g.writeFieldName("conversation");
      writeConversation(f.conversation(), g);
      optionalString(g, "userId", f.userId());
    } else if (frame instanceof ServerFrame.ErrorFrame f) {
      g.writeStringField("code", f.code());
      g.writeStringField("message", f.message());
      optionalString(g, "ref", f.ref());
      optionalString(g, "clientMsgId", f.clientMsgId());
      g.writeBooleanField("retryable", f.retryable());
      g.writeNumberField("retryAfterMs", f.retryAfterMs());
    } else if (frame instanceof ServerFrame.Pong f) {
      optionalString(g, "ref", f.ref());
      instant(g, "serverTime", f.serverTime());
    } else if (frame instanceof ServerFrame.Synced f) {
      optionalString(g, "ref", f.ref());
      g.writeObjectFieldStart("cursors");
      for (Map.Entry<String, Long> e : f.cursors().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } else if (frame instanceof ServerFrame.Reauth f) {
      instant(g, "expiresAt", f.expiresAt());
    } else if (frame instanceof ServerFrame.Authenticated f) {
      optionalString(g, "ref", f.ref());
      instant(g, "expiresAt", f.expiresAt());
    } else if (frame instanceof ServerFrame.Hello f) {
      g.writeStringField("sessionId", f.sessionId());
      g.writeFieldName("user");
      writeUser(f.user(), g);
      instant(g, "serverTime", f.serverTime());
      instant(g, "tokenExpiresAt", f.tokenExpiresAt());
      g.writeNumberField("heartbeatMs", f.heartbeatMs());
      g.writeArrayFieldStart("conversations");
      for (ConversationSummary s : f.conversations()) {
        writeSummary(s, g);
      }
      g.writeEndArray();
    } else if (frame instanceof ServerFrame.UserEvent f) {
      g.writeFieldName("user");
      writeUser(f.user(), g);
    } else {
      throw new IllegalStateException("frame type " + frame.getClass().getName());
    }
    g.writeEndObject();
  }

  static void writeUser(User u, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", u.id());
    g.writeStringField("username", u.username());
    g.writeStringField("displayName", u.displayName());
    optionalString(g, "avatarId", u.avatarId());
    instant(g, "createdAt", u.createdAt());
    optionalInstant(g, "lastSeenAt", u.lastSeenAt());
    g.writeEndObject();
  }

  static void writeMessage(Message m, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", m.id());
    g.writeStringField("conversationId", m.conversationId());
    g.writeNumberField("seq", m.seq());
    g.writeNumberField("modSeq", m.modSeq());
    g.writeStringField("senderId", m.senderId());
    g.writeStringField("clientMsgId", m.clientMsgId());
    g.writeStringField("body", m.body());
    g.writeArrayFieldStart("attachments");
    for (Attachment a : m.attachments()) {
      writeAttachment(a, g);
    }
    g.writeEndArray();
    instant(g, "createdAt", m.createdAt());
    optionalInstant(g, "editedAt", m.editedAt());
    g.writeBooleanField("deleted", m.deleted());
    g.writeEndObject();
  }

  static void writeAttachment(Attachment a, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("blobId", a.blobId());
    g.writeStringField("contentType", a.contentType());
    g.writeNumberField("size", a.size());
    g.writeEndObject();
  }

  static void writeConversation(Conversation c, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", c.id());
    g.writeStringField("kind", c.kind().name().toLowerCase(Locale.ROOT));
    optionalString(g, "title", c.title());
    g.writeArrayFieldStart("members");
    for (Member m : c.members()) {
      writeMember(m, g);
    }
    g.writeEndArray();
    instant(g, "createdAt", c.createdAt());
    g.writeEndObject();
  }

  static void writeMember(Member m, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("userId", m.userId());
    g.writeStringField("role", m.role().name().toLowerCase(Locale.ROOT));
    instant(g, "joinedAt", m.joinedAt());
    g.writeEndObject();
  }

  static void writeSummary(ConversationSummary s, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeFieldName("conversation");
    writeConversation(s.conversation(), g);
    g.writeNumberField("lastSeq", s.lastSeq());
    g.writeNumberField("readSeq", s.readSeq());
    g.writeNumberField("unread", s.unread());
    Message last = s.lastMessage();
    if (last != null) {
      g.writeFieldName("lastMessage");
      writeMessage(last, g);
    }
    g.writeEndObject();
  }

  static void writePresence(Presence p, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("userId", p.userId());
    g.writeBooleanField("online", p.online());
    optionalInstant(g, "lastSeen", p.lastSeen());
    g.writeEndObject();
  }

  static void writeReadMarker(ReadMarker r, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("conversationId", r.conversationId());
    g.writeStringField("userId", r.userId());
    g.writeNumberField("seq", r.seq());
    g.writeEndObject();
  }

  private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
    g.writeStringField(field, formatInstant(value));
  }

  private static void optionalInstant(JsonGenerator g, String field, @Nullable Instant value)
      throws IOException {
    if (value != null) {
      g.writeStringField(field, formatInstant(value));
    }
  }

  private static void optionalString(JsonGenerator g, String field, @Nullable String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  @FunctionalInterface
  interface Writer<T> {
    void write(T value, JsonGenerator g) throws IOException;
  }

  private static <T> JsonSerializer<T> serializer(Writer<T> writer) {
    return new JsonSerializer<T>() {
      @Override
      public void serialize(T value, JsonGenerator g, SerializerProvider provider)
          throws IOException {
        writer.write(value, g);
      }
    };
  }

  /** Reads ISO-8601 instants ({@code Z} or an offset); anything else is a format error. */
  static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      String text = p.getText();
      try {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
      } catch (DateTimeParseException e) {
        return (Instant)
            ctxt.handleWeirdStringValue(Instant.class, text, "expected an ISO-8601 instant");
      }
    }
  }
}
