package dev.chatsdk.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A generator-side connection: raw TCP with newline-delimited lines (the floor), or a WebSocket
 * client (RFC 6455: text frames, client frames masked with a zero key, pings answered). Confined to
 * its {@link EventLoop}'s thread.
 */
final class Connection {
  /** Receives what a connection reads; called on its loop thread. */
  interface Handler {
    void onOpen(Connection c);

    /** A text frame or line; {@code text} is valid only during the call. */
    void onText(Connection c, CharSequence text);

    void onClosed(Connection c, String reason);
  }

  private final String host;
  private final String path; // null: raw line mode
  private final String[] headers;
  private final Handler handler;
  private EventLoop loop;
  private SocketChannel channel;
  private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private boolean upgraded;
  private boolean closed;
  private final StringBuilder fragments = new StringBuilder();
  private final AsciiView view = new AsciiView();
  Object attachment;

  Connection(String host, String path, String[] headers, Handler handler) {
    this.host = host;
    this.path = path;
    this.headers = headers;
    this.handler = handler;
  }

  void attach(EventLoop loop, SocketChannel channel) {
    this.loop = loop;
    this.channel = channel;
  }

  EventLoop loop() {
    return loop;
  }

  boolean isClosed() {
    return closed;
  }

  void onConnected() {
    if (path == null) {
      upgraded = true;
      handler.onOpen(this);
      return;
    }
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder req = new StringBuilder(256);
    req.append("GET ").append(path).append(" HTTP/1.1\r\n");
    req.append("Host: ").append(host).append("\r\n");
    req.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    req.append("Sec-WebSocket-Key: ")
        .append(Base64.getEncoder().encodeToString(nonce))
        .append("\r\n");
    req.append("Sec-WebSocket-Version: 13\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    req.append("\r\n");
    write(ByteBuffer.wrap(req.toString().getBytes(StandardCharsets.US_ASCII)));
  }

  /** Sends a text frame (WebSocket) or a line (raw mode). Call on the loop thread. */
  void sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (path == null) {
      ByteBuffer b = ByteBuffer.allocate(payload.length + 1);
      b.put(payload).put((byte) '\n').flip();
      write(b);
      return;
    }
    write(frame(0x1, payload));
  }

  private static ByteBuffer frame(int opcode, byte[] payload) {
    int len = payload.length;
    int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
    ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
    b.put((byte) (0x80 | opcode));
    if (len < 126) {
      b.put((byte) (0x80 | len));
    } else if (len < 65536) {
      b.put((byte) (0x80 | 126)).putShort((short) len);
    } else {
      b.put((byte) (0x80 | 127)).putLong(len);
    }
    b.putInt(0); // zero masking key: masking is then the identity
    b.put(payload).flip();
    return b;
  }

  private void write(ByteBuffer b) {
    if (closed) {
      return;
    }
    out.add(b);
    try {
      flush();
    } catch (IOException e) {
      fail(e);
    }
  }

  void flush() throws IOException {
    while (!out.isEmpty()) {
      ByteBuffer b = out.peek();
      channel.write(b);
      if (b.hasRemaining()) {
        SelectionKey key = loop.keyFor(channel);
        if (key != null) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        return;
      }
      out.poll();
    }
    SelectionKey key = loop.keyFor(channel);
    if (key != null && key.isValid()) {
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  void onReadable() throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      close("peer closed");
      return;
    }
    in.flip();
    if (!upgraded) {
      int end = indexOfHeaderEnd(in);
      if (end < 0) {
        in.compact();
        grow();
        return;
      }
      byte[] head = new byte[end];
      in.get(head);
      String response = new String(head, StandardCharsets.US_ASCII);
      if (!response.startsWith("HTTP/1.1 101")) {
        in.clear();
        close("upgrade refused: " + response.lines().findFirst().orElse(""));
        return;
      }
      upgraded = true;
      handler.onOpen(this);
    }
    if (path == null) {
      readLines();
    } else {
      readFrames();
    }
    in.compact();
    grow();
    if (in.position() == 0 && in.capacity() > 64 * 1024) {
      in = ByteBuffer.allocate(16 * 1024); // a large frame has passed: give its buffer back
    }
  }

  private void grow() {
    if (!in.hasRemaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
      in.flip();
      bigger.put(in);
      in = bigger;
    }
  }

  private void readLines() {
    for (int i = in.position(); i < in.limit(); i++) {
      if (in.get(i) == '\n') {
        int start = in.position();
        in.position(i + 1);
        handler.onText(this, text(start, i - start));
      }
    }
  }

  private void readFrames() {
    while (in.remaining() >= 2) {
      int p = in.position();
      int b0 = in.get(p) & 0xff;
      int b1 = in.get(p + 1) & 0x7f;
      int header = 2;
      long len = b1;
      if (b1 == 126) {
        if (in.remaining() < 4) {
          return;
        }
        len = in.getShort(p + 2) & 0xffff;
        header = 4;
      } else if (b1 == 127) {
        if (in.remaining() < 10) {
          return;
        }
        len = in.getLong(p + 2);
        header = 10;
      }
      if (in.remaining() < header + len) {
        return;
      }
      int start = p + header;
      in.position(start + (int) len);
      int opcode = b0 & 0x0f;
      boolean fin = (b0 & 0x80) != 0;
      switch (opcode) {
        case 0x1, 0x0 -> {
          if (fin && fragments.length() == 0) {
            handler.onText(this, text(start, (int) len));
          } else {
            fragments.append(text(start, (int) len));
            if (fin) {
              String all = fragments.toString();
              fragments.setLength(0);
              handler.onText(this, all);
            }
          }
        }
        case 0x8 -> {
          close(
              "close frame "
                  + (len >= 2 ? ((in.get(start) & 0xff) << 8 | in.get(start + 1) & 0xff) : 0));
          return;
        }
        case 0x9 -> {
          byte[] payload = new byte[(int) len];
          in.get(start, payload);
          write(frame(0xA, payload));
        }
        default -> {
          // pong or binary: ignored
        }
      }
    }
  }

  /** The text at {@code in[start, start + len)}: a view when ASCII (no copy), else decoded. */
  private CharSequence text(int start, int len) {
    byte[] a = in.array();
    int at = in.arrayOffset() + start;
    return AsciiView.isAscii(a, at, len)
        ? view.set(a, at, len)
        : new String(a, at, len, StandardCharsets.UTF_8);
  }

  private static int indexOfHeaderEnd(ByteBuffer b) {
    for (int i = b.position(); i + 3 < b.limit(); i++) {
      if (b.get(i) == '\r'
          && b.get(i + 1) == '\n'
          && b.get(i + 2) == '\r'
          && b.get(i + 3) == '\n') {
        return i + 4 - b.position();
      }
    }
    return -1;
  }

  void fail(Exception e) {
    close(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /** Closes the socket (no close handshake: the generator only ends connections at the end). */
  void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // already gone
    }
    handler.onClosed(this, reason);
  }
}
