package dev.chatsdk.core.auth.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Handling of password character arrays that leaves no copies behind. */
public final class Passwords {
  private Passwords() {}

  /**
   * Encodes a password as UTF-8 into a fresh array; unpaired surrogates are replaced, as a String's
   * {@code getBytes} would. The caller zeroes the result after use ({@link #zero}).
   */
  public static byte[] utf8(char[] password) {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer buffer;
    try {
      buffer = encoder.encode(CharBuffer.wrap(password));
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("UTF-8 encoding with REPLACE cannot fail", e);
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    if (buffer.hasArray()) {
      Arrays.fill(buffer.array(), (byte) 0);
    }
    return bytes;
  }

  /** Overwrites the array with zeros. */
  public static void zero(char[] password) {
    Arrays.fill(password, '\0');
  }

  /** Overwrites the array with zeros. */
  public static void zero(byte[] bytes) {
    Arrays.fill(bytes, (byte) 0);
  }
}
