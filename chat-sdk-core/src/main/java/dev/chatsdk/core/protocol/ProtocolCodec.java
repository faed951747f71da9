package dev.chatsdk.core.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.Frame;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes the v1 wire protocol exactly as {@code docs/PROTOCOL.md} specifies: UTF-8
 * JSON objects, {@code type} first in server frames, {@code null} fields omitted, instants as
 * ISO-8601 UTC with milliseconds, enums in lower case.
 *
 * <p>Decoding is strict about structure and lenient about extras: unknown fields are ignored, but a
 * missing or wrongly typed field is {@link ErrorCode#MALFORMED}, an unknown {@code type} is {@link
 * ErrorCode#UNKNOWN_TYPE}, and a value outside its range is {@link ErrorCode#INVALID_ARGUMENT}.
 * Every failure is a {@link ChatException}; no other exception escapes.
 *
 * <p>Thread-safe and immutable; create one with {@link #create()} and share it.
 */
public final class ProtocolCodec {

  /** The longest id accepted in a frame (conversation, message, client message ids, refs). */
  public static final int MAX_ID_LENGTH = 128;

  /** The longest bearer token accepted in an {@code auth} frame. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /** The most conversations one {@code sync} frame may name. */
  public static final int MAX_SYNC_CURSORS = 10_000;

  private final ObjectMapper mapper;
  private final JsonFactory factory;

  private ProtocolCodec(ObjectMapper mapper) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
  }

  /** Creates a codec. The result is thread-safe; one per application is enough. */
  public static ProtocolCodec create() {
    SimpleModule module = new SimpleModule("chat-sdk-wire");
    WireSerializers.register(module);
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .defaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .addModule(module)
            .build();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    return new ProtocolCodec(mapper);
  }

  /**
   * Decodes one client text frame.
   *
   * @throws ChatException {@code MALFORMED} for bad JSON, a non-object, or a missing or wrongly
   *     typed field; {@code UNKNOWN_TYPE} for an unknown {@code type}; {@code INVALID_ARGUMENT} for
   *     a value out of range
   */
  public ClientFrame decode(String text) {
    Objects.requireNonNull(text, "text");
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ChatException(ErrorCode.MALFORMED, "frame: not valid JSON (" + brief(e) + ")");
    } catch (RuntimeException e) {
      throw new ChatException(ErrorCode.MALFORMED, "frame: not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new ChatException(ErrorCode.MALFORMED, "frame: expected a JSON object");
    }
    try {
      return ClientFrames.decode(root);
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ChatException(ErrorCode.MALFORMED, "frame: could not be decoded");
    }
  }

  /**
   * Encodes a server frame as UTF-8 JSON with {@code type} as the first field. The returned frame
   * is immutable and meant to be shared by every recipient.
   */
  public Frame encode(ServerFrame frame) {
    Objects.requireNonNull(frame, "frame");
    return Frame.ofUtf8(
        write(g -> WireSerializers.writeFrame(frame, g), () -> "frame " + frame.type()));
  }

  /** Writes with a generator into the per-thread buffer and returns exactly the bytes written. */
  private byte[] write(Body body, Supplier<String> what) {
    Output out = Output.acquire();
    try (JsonGenerator g = factory.createGenerator(out.bytes)) {
      body.writeTo(g);
    } catch (ChatException e) {
      out.release();
      throw e;
    } catch (IOException | RuntimeException e) {
      out.release();
      throw new ChatException(ErrorCode.INTERNAL, what.get() + ": not encodable", e);
    }
    return out.take();
  }

  /** What {@link #write} writes. */
  @FunctionalInterface
  private interface Body {
    void writeTo(JsonGenerator g) throws IOException;
  }

  /**
   * A per-thread output buffer, reused so that encoding a frame allocates little beyond its result.
   * A nested use on the same thread (an encoder calling back into the codec) gets a fresh buffer.
   */
  private static final class Output {
    private static final ThreadLocal<Output> PER_THREAD = ThreadLocal.withInitial(Output::new);

    final ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
    private boolean inUse;

    static Output acquire() {
      Output o = PER_THREAD.get();
      if (o.inUse) {
        o = new Output();
      }
      o.inUse = true;
      return o;
    }

    /** The bytes written, as an array of exactly their length; the buffer is free again. */
    byte[] take() {
      byte[] result = bytes.toByteArray();
      release();
      return result;
    }

    void release() {
      bytes.reset();
      inUse = false;
    }
  }

  /**
   * Encodes a value (one of the API's records, a server frame, or a {@link Map} or {@link
   * java.util.List} of them) as UTF-8 JSON under the wire rules.
   *
   * @throws ChatException {@code INTERNAL} if the value cannot be represented as JSON
   */
  public byte[] toJson(Object value) {
    Objects.requireNonNull(value, "value");
    return write(g -> mapper.writeValue(g, value), () -> "value of " + value.getClass().getName());
  }

  /**
   * Decodes a JSON request body into a value of {@code type} (typically a record whose canonical
   * constructor validates). Unknown fields are ignored.
   *
   * @throws ChatException {@code MALFORMED} for bad JSON or a missing or wrongly typed field; the
   *     record's own {@link ChatException} (usually {@code INVALID_ARGUMENT}) when its constructor
   *     refuses a value
   */
  public <T> T fromJson(byte[] json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
    if (json.length == 0) {
      throw new ChatException(ErrorCode.MALFORMED, "body: empty (expected a JSON object)");
    }
    try {
      T value = mapper.readValue(json, type);
      if (value == null) {
        throw new ChatException(ErrorCode.MALFORMED, "body: null (expected a JSON object)");
      }
      return value;
    } catch (ValueInstantiationException e) {
      throw fromConstructor(e.getCause());
    } catch (InvalidFormatException e) {
      throw new ChatException(
          ErrorCode.MALFORMED, "field '" + path(e) + "': " + describeValue(e.getValue()));
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ChatException ce) {
        throw ce;
      }
      String where = path(e);
      throw new ChatException(
          ErrorCode.MALFORMED,
          (where.isEmpty() ? "body" : "field '" + where + "'") + ": " + brief(e));
    } catch (JsonProcessingException e) {
      throw new ChatException(ErrorCode.MALFORMED, "body: not valid JSON (" + brief(e) + ")");
    } catch (IOException e) {
      throw new ChatException(ErrorCode.MALFORMED, "body: unreadable");
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ChatException(ErrorCode.MALFORMED, "body: could not be decoded");
    }
  }

  private static ChatException fromConstructor(@Nullable Throwable cause) {
    if (cause instanceof ChatException ce) {
      return ce;
    }
    if (cause instanceof NullPointerException npe && npe.getMessage() != null) {
      return new ChatException(
          ErrorCode.MALFORMED, "field '" + npe.getMessage() + "': missing (expected a value)");
    }
    if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) {
      return ChatException.invalid(iae.getMessage());
    }
    return new ChatException(ErrorCode.MALFORMED, "body: fields do not form a valid value");
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describeValue(@Nullable Object value) {
    if (value == null) {
      return "invalid value";
    }
    String s = String.valueOf(value);
    if (s.length() > 40) {
      s = s.substring(0, 40) + "...";
    }
    return "invalid value '" + s + "'";
  }

  /** The first line of a Jackson message, without source excerpts. */
  private static String brief(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "unreadable";
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    if (m.length() > 120) {
      m = m.substring(0, 120) + "...";
    }
    return m;
  }

  /** The wire form of an instant: ISO-8601 UTC with exactly three fractional digits. */
  public static String formatInstant(Instant instant) {
    return WireSerializers.formatInstant(instant);
  }
}
