package dev.chatsdk.core.memory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Append-only bytes in chunks, for records that are written once and read many times. Chunks double
 * from 4 KB up to about 4 MB; a full-size chunk is one array the collector allocates outside the
 * young generation and never copies, so a long log costs a young collection nothing. A record never
 * spans two chunks. A position is {@code chunk << 32 | offset}. Not thread-safe.
 */
final class ByteChunks {
  private static final int FIRST = 4 << 10;

  /** Just under 4 MB, so that a chunk and its array header fill whole heap regions. */
  static final int MAX = (4 << 20) - 64;

  private byte[][] chunks = new byte[0][];
  private int used; // bytes used in the last chunk

  /** Appends {@code len} bytes of {@code src}; returns the position of the first. */
  long append(byte[] src, int len) {
    byte[] last = chunks.length == 0 ? null : chunks[chunks.length - 1];
    if (last == null || last.length - used < len) {
      int size = last == null ? FIRST : Math.min(MAX, last.length * 2);
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      last = new byte[Math.max(size, len)];
      chunks[chunks.length - 1] = last;
      used = 0;
    }
    System.arraycopy(src, 0, last, used, len);
    long position = (long) (chunks.length - 1) << 32 | used;
    used += len;
    return position;
  }

  /** A reader positioned at {@code position}. */
  Reader reader(long position) {
    return new Reader(chunks[(int) (position >>> 32)], (int) position);
  }

  /** Reads one record's fields in the order {@link Writer} wrote them. */
  static final class Reader {
    private final byte[] b;
    private int at;

    Reader(byte[] b, int at) {
      this.b = b;
      this.at = at;
    }

    int readByte() {
      return b[at++] & 0xFF;
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        int x = b[at++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
    }

    long readSignedVarLong() {
      long z = readVarLong();
      return (z >>> 1) ^ -(z & 1);
    }

    String readString() {
      int len = (int) readVarLong();
      String s = new String(b, at, len, StandardCharsets.UTF_8);
      at += len;
      return s;
    }

    /** Whether the next string equals {@code s}, compared as UTF-8 without decoding. */
    boolean readStringEquals(String s) {
      int len = (int) readVarLong();
      int start = at;
      at += len;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          return Arrays.equals(b, start, start + len, bytes, 0, bytes.length);
        }
      }
      if (len != s.length()) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        if (b[start + i] != (byte) s.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    void skipString() {
      int len = (int) readVarLong();
      at += len;
    }
  }

  /** Builds one record in a reusable buffer before it is appended. Not thread-safe. */
  static final class Writer {
    private byte[] buf = new byte[256];
    private int len;

    Writer reset() {
      len = 0;
      return this;
    }

    byte[] buffer() {
      return buf;
    }

    int length() {
      return len;
    }

    Writer writeByte(int v) {
      ensure(1);
      buf[len++] = (byte) v;
      return this;
    }

    Writer writeVarLong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
      return this;
    }

    Writer writeSignedVarLong(long v) {
      return writeVarLong((v << 1) ^ (v >> 63));
    }

    Writer writeString(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      writeVarLong(bytes.length);
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, len, bytes.length);
      len += bytes.length;
      return this;
    }

    private void ensure(int n) {
      if (buf.length - len < n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }
  }
}
