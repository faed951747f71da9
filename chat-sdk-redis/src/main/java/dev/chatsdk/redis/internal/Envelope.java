package dev.chatsdk.redis.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The bus's wire envelope around a payload: a version byte, the publishing bus instance's 16-byte
 * id (so a bus can skip its own messages, which it already delivered locally), the publish time in
 * epoch milliseconds, then the payload.
 */
public final class Envelope {
  /** The envelope format version. */
  public static final byte VERSION = 1;

  /** Bytes before the payload. */
  public static final int HEADER_LENGTH = 1 + 16 + 8;

  private Envelope() {}

  /** Wraps a payload. */
  public static byte[] wrap(byte[] instanceId, long publishedAtMillis, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH + payload.length);
    buffer.put(VERSION).put(instanceId, 0, 16).putLong(publishedAtMillis).put(payload);
    return buffer.array();
  }

  /** Whether {@code envelope} is well formed and was published by {@code instanceId}. */
  public static boolean isFrom(byte[] envelope, byte[] instanceId) {
    return envelope.length >= HEADER_LENGTH && Arrays.equals(envelope, 1, 17, instanceId, 0, 16);
  }

  /** The publish time, or null when the envelope is malformed. */
  public static @Nullable Long publishedAt(byte[] envelope) {
    if (envelope.length < HEADER_LENGTH || envelope[0] != VERSION) {
      return null;
    }
    return ByteBuffer.wrap(envelope, 17, 8).getLong();
  }

  /** The payload of a well-formed envelope. */
  public static byte[] payload(byte[] envelope) {
    return Arrays.copyOfRange(envelope, HEADER_LENGTH, envelope.length);
  }
}
