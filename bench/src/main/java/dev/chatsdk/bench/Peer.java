package dev.chatsdk.bench;

import java.util.List;

/**
 * A server under test and its wire format, as the generator drives it. Methods other than the
 * {@code parse*}/{@code *Frame} ones may block (setup runs before measuring).
 */
interface Peer extends AutoCloseable {
  String name();

  /**
   * Starts the server process pinned to {@code cpus} (a taskset list, or null) and waits until it
   * is ready.
   */
  void start(String cpus) throws Exception;

  /** The server process, for CPU and memory readings. */
  Proc proc();

  /**
   * Seconds the server's JIT compilers have spent so far, or NaN when the server has no such
   * counter (not a JVM). Called between steps only: it starts a {@code jcmd}.
   */
  default double jitSeconds() {
    return Double.NaN;
  }

  /** Where the server listens. */
  java.net.InetSocketAddress address();

  /** Whether a connection is ready once open and its opening frames are written. */
  default boolean readyOnOpen() {
    return false;
  }

  /** Creates {@code n} users able to connect. */
  List<BenchUser> users(int n) throws Exception;

  /** Creates a conversation with these members (the first is the creator) and returns its id. */
  String conversation(List<BenchUser> members) throws Exception;

  /** A new, not yet connected connection for {@code user}. */
  Connection connection(BenchUser user, Connection.Handler handler);

  /** Frames to send right after the connection opened (e.g. a handshake), possibly none. */
  List<String> openingFrames(BenchUser user, List<String> conversations);

  /** Whether {@code text} is the frame that makes the connection ready to send and receive. */
  boolean isReady(CharSequence text);

  /** A reply the protocol requires to {@code text} (e.g. a heartbeat answer), or null. */
  String replyTo(CharSequence text);

  /** The frame that sends {@code body} to a conversation, acknowledged under {@code ackId}. */
  String sendFrame(String conversationId, String clientMsgId, long ackId, String body);

  /** For a delivered message: the scheduled send time stamped in its body; else -1. */
  long deliveredStamp(CharSequence text);

  /** For an acknowledgement: the ack id it answers ({@link #sendFrame}'s); else -1. */
  long ackId(CharSequence text);

  @Override
  void close();
}
