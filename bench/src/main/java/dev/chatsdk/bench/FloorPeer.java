package dev.chatsdk.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The raw-socket fan-out floor ({@link FloorServer}) in its own JVM. */
final class FloorPeer extends ProcessPeer {
  private int port;
  private int users;
  private int groups;

  @Override
  public String name() {
    return "floor";
  }

  @Override
  public void start(String cpus) throws Exception {
    String cp = System.getProperty("java.class.path");
    proc =
        new Proc(
            List.of("java", "-cp", cp, FloorServer.class.getName(), "0"), cpus, Map.of(), null);
    port = proc.awaitListening(Duration.ofSeconds(30));
  }

  @Override
  public List<BenchUser> users(int n) {
    List<BenchUser> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(new BenchUser("u" + (users++), ""));
    }
    return list;
  }

  @Override
  public String conversation(List<BenchUser> members) {
    return "g" + (groups++);
  }

  @Override
  public Connection connection(BenchUser user, Connection.Handler handler) {
    return new Connection("127.0.0.1:" + port, null, new String[0], handler);
  }

  @Override
  public java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress("127.0.0.1", port);
  }

  @Override
  public List<String> openingFrames(BenchUser user, List<String> conversations) {
    List<String> joins = new ArrayList<>();
    for (String g : conversations) {
      joins.add("j " + g);
    }
    return joins;
  }

  @Override
  public boolean readyOnOpen() {
    return true;
  }

  @Override
  public boolean isReady(CharSequence text) {
    return false;
  }

  @Override
  public String replyTo(CharSequence text) {
    return null;
  }

  @Override
  public String sendFrame(String conversationId, String clientMsgId, long ackId, String body) {
    return "m " + conversationId + " " + body;
  }

  @Override
  public long deliveredStamp(CharSequence text) {
    return Stamps.after(text, "t=");
  }

  @Override
  public long ackId(CharSequence text) {
    return -1;
  }
}
