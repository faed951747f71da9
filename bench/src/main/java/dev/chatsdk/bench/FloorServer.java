package dev.chatsdk.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The floor: the least a fan-out server can do on this machine. One thread, raw TCP, newline lines,
 * no protocol, no auth, no storage. {@code j <group>} joins a group; {@code m <group> <text>}
 * writes the line once to every other member (one write per recipient).
 *
 * <p>Run: {@code java -cp chat-bench.jar dev.chatsdk.bench.FloorServer [port]}; prints {@code
 * LISTENING <port>}.
 */
public final class FloorServer {
  private final Map<String, List<SocketChannel>> groups = new HashMap<>();
  private final Map<SocketChannel, ArrayDeque<ByteBuffer>> pending = new HashMap<>();

  public static void main(String[] args) throws IOException {
    new FloorServer().run(args.length > 0 ? Integer.parseInt(args[0]) : 0);
  }

  private void run(int port) throws IOException {
    Selector selector = Selector.open();
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    System.out.println("LISTENING " + ((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    while (true) {
      selector.select();
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        try {
          if (key.isAcceptable()) {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
              ch.configureBlocking(false);
              ch.socket().setTcpNoDelay(true);
              ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(8192));
            }
          } else {
            SocketChannel ch = (SocketChannel) key.channel();
            if (key.isWritable()) {
              drain(ch, key);
            }
            if (key.isValid() && key.isReadable()) {
              read(ch, key, (ByteBuffer) key.attachment(), selector);
            }
          }
        } catch (IOException e) {
          drop((SocketChannel) key.channel());
          key.cancel();
        }
      }
    }
  }

  private void read(SocketChannel ch, SelectionKey key, ByteBuffer in, Selector selector)
      throws IOException {
    if (ch.read(in) < 0) {
      drop(ch);
      key.cancel();
      ch.close();
      return;
    }
    in.flip();
    int start = in.position();
    for (int i = start; i < in.limit(); i++) {
      if (in.get(i) == '\n') {
        int len = i - in.position() + 1;
        byte[] line = new byte[len];
        in.get(line);
        handle(ch, line, selector);
      }
    }
    in.compact();
  }

  private void handle(SocketChannel from, byte[] line, Selector selector) throws IOException {
    int sp = indexOf(line, (byte) ' ', 2);
    String group =
        new String(line, 2, (sp < 0 ? line.length - 1 : sp) - 2, StandardCharsets.US_ASCII);
    if (line[0] == 'j') {
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(from);
      return;
    }
    List<SocketChannel> members = groups.getOrDefault(group, List.of());
    for (SocketChannel to : members) {
      if (to == from) {
        continue;
      }
      ByteBuffer b = ByteBuffer.wrap(line);
      ArrayDeque<ByteBuffer> q = pending.get(to);
      if (q == null) {
        to.write(b);
        if (!b.hasRemaining()) {
          continue;
        }
        q = new ArrayDeque<>();
        pending.put(to, q);
        to.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
      q.add(b);
    }
  }

  private void drain(SocketChannel ch, SelectionKey key) throws IOException {
    ArrayDeque<ByteBuffer> q = pending.get(ch);
    while (q != null && !q.isEmpty()) {
      ch.write(q.peek());
      if (q.peek().hasRemaining()) {
        return;
      }
      q.poll();
    }
    pending.remove(ch);
    key.interestOps(SelectionKey.OP_READ);
  }

  private void drop(SocketChannel ch) {
    pending.remove(ch);
    for (List<SocketChannel> members : groups.values()) {
      members.remove(ch);
    }
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
