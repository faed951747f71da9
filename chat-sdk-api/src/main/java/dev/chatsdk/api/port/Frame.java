package dev.chatsdk.api.port;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One encoded server-to-client text frame (UTF-8 JSON). Encoded once and shared read-only by every
 * recipient. Immutable and thread-safe.
 */
public final class Frame {
  private final byte[] utf8;
  private volatile @Nullable String text;

  private Frame(byte[] utf8, @Nullable String text) {
    this.utf8 = utf8;
    this.text = text;
  }

  /** Wraps UTF-8 bytes; the array must not be changed afterwards. */
  public static Frame ofUtf8(byte[] utf8) {
    return new Frame(Objects.requireNonNull(utf8, "utf8"), null);
  }

  /** Wraps a text. */
  public static Frame ofText(String text) {
    Objects.requireNonNull(text, "text");
    return new Frame(text.getBytes(StandardCharsets.UTF_8), text);
  }

  /** A fresh read-only view of the bytes, positioned at 0; each caller gets its own. */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
  }

  /** The size in bytes. */
  public int size() {
    return utf8.length;
  }

  /** The frame as text (decoded once, then cached). */
  public String text() {
    String t = text;
    if (t == null) {
      t = new String(utf8, StandardCharsets.UTF_8);
      text = t;
    }
    return t;
  }

  @Override
  public String toString() {
    return text();
  }
}
