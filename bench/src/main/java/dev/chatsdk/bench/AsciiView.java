package dev.chatsdk.bench;

import java.nio.charset.StandardCharsets;

/**
 * Bytes of ASCII text read as a {@link CharSequence} without copying them: the generator reads
 * every frame it receives through one of these, so receiving allocates nothing. Valid only until
 * the bytes underneath change (during the callback that received it).
 */
final class AsciiView implements CharSequence {
  private byte[] bytes;
  private int offset;
  private int length;

  /** Whether {@code bytes[offset, offset + length)} is all ASCII (else decode it instead). */
  static boolean isAscii(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  AsciiView set(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    return this;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    return (char) bytes[offset + index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new String(bytes, offset + start, end - start, StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return new String(bytes, offset, length, StandardCharsets.US_ASCII);
  }
}
