package dev.chatsdk.core.memory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One log's append-only bytes, for records written once and read many times. The log writes into
 * pages of 1 KB, doubling up to 64 KB, that it takes from an {@link Arena} shared by the whole
 * store; the arena cuts them from arrays growing to 4 MB. G1 allocates an array of half a heap
 * region or more (512 KB with a heap of up to 2 GB, 2 MB with 8 GB) outside the young generation
 * and never copies it; smaller ones are copied like any object. A record never spans two pages. A
 * position is {@code page << 32 | offset in the page's array}. Not thread-safe (the log's lock
 * guards it).
 */
final class ByteChunks {
  private static final int FIRST_PAGE = 1 << 10;
  private static final int MAX_PAGE = 64 << 10;

  private final Arena arena;
  private byte[][] pages = new byte[0][];
  private int at; // next free byte in the last page's array
  private int end; // end of the last page in its array
  private int nextPage = FIRST_PAGE;

  ByteChunks(Arena arena) {
    this.arena = arena;
  }

  /** Appends {@code len} bytes of {@code src}; returns the position of the first. */
  long append(byte[] src, int len) {
    if (pages.length == 0 || end - at < len) {
      Arena.Page page = arena.page(Math.max(nextPage, len));
      nextPage = Math.min(MAX_PAGE, nextPage * 2);
      pages = Arrays.copyOf(pages, pages.length + 1);
      pages[pages.length - 1] = page.array();
      at = page.start();
      end = page.end();
    }
    System.arraycopy(src, 0, pages[pages.length - 1], at, len);
    long position = (long) (pages.length - 1) << 32 | at;
    at += len;
    return position;
  }

  /**
   * Large byte arrays shared by all of a store's logs, cut into pages. Arrays grow from 64 KB to
   * just under 4 MB (so that one and its header fill whole heap regions); a page larger than a
   * quarter of that gets an array of its own. Thread-safe.
   */
  static final class Arena {
    static final int MAX = (4 << 20) - 64;
    private byte[] current = new byte[0];
    private int used;
    private int nextSize = 64 << 10;

    /** A page of {@code size} bytes: {@code array[start, end)}. */
    record Page(byte[] array, int start, int end) {}

    synchronized Page page(int size) {
      if (size > MAX / 4) {
        return new Page(new byte[size], 0, size);
      }
      if (current.length - used < size) {
        current = new byte[nextSize];
        nextSize = Math.min(MAX, nextSize * 2);
        used = 0;
      }
      Page page = new Page(current, used, used + size);
      used += size;
      return page;
    }
  }

  /** A reader positioned at {@code position}. */
  Reader reader(long position) {
    return new Reader(pages[(int) (position >>> 32)], (int) position);
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
    private static final int SIZE = 256;
    private byte[] buf = new byte[SIZE];
    private int len;

    /** Starts a record; drops a buffer that a large record grew, rather than keep it. */
    Writer reset() {
      if (buf.length > 64 * SIZE) {
        buf = new byte[SIZE];
      }
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
