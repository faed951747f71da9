package dev.chatsdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Message;
import dev.chatsdk.core.protocol.ProtocolCodec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterRoutingPrefixTest {
  private static final ProtocolCodec CODEC = ProtocolCodec.create();
  private static final Message M =
      new Message("m1", "c1", 1, 1, "u1", "k1", "hi", List.of(), Instant.EPOCH, null, false);

  @Test
  void everyKindOfEventStartsWithItsNodesPrefix() {
    for (String node : List.of("node-a", "host-12-abc123", "we\"ird\u00e9")) {
      byte[] prefix = ClusterRouting.ownPrefix(CODEC, node);
      for (BusEvent e :
          List.of(
              BusEvent.message(node, M),
              BusEvent.read(node, "c1", "u1", 3),
              BusEvent.typing(node, "c1", "u1", true))) {
        byte[] json = CODEC.toJson(e);
        assertThat(ClusterRouting.startsWith(json, prefix)).as("%s", e).isTrue();
        assertThat(CODEC.fromJson(json, BusEvent.class).node()).isEqualTo(node);
      }
    }
  }

  @Test
  void anotherNodesEventsAndLookalikesDoNotMatch() {
    byte[] prefix = ClusterRouting.ownPrefix(CODEC, "node-a");
    assertThat(ClusterRouting.startsWith(CODEC.toJson(BusEvent.message("node-ab", M)), prefix))
        .isFalse();
    assertThat(ClusterRouting.startsWith(CODEC.toJson(BusEvent.message("node-", M)), prefix))
        .isFalse();
    assertThat(ClusterRouting.startsWith(CODEC.toJson(BusEvent.message("node-b", M)), prefix))
        .isFalse();
    assertThat(ClusterRouting.startsWith(prefix, prefix)).isFalse();
    assertThat(ClusterRouting.startsWith(new byte[0], prefix)).isFalse();
  }
}
