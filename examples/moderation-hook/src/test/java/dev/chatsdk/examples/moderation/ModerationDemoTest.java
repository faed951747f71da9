package dev.chatsdk.examples.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Principal;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ModerationDemoTest {

  @Test
  void engineRejectsAndRewritesThroughThePolicies() {
    try (ModerationDemo demo = new ModerationDemo()) {
      Principal alice = demo.user("alice");
      Principal bob = demo.user("bob");
      String c = ModerationDemo.join(demo.engine().createDirect(alice, bob.userId())).id();

      assertThatThrownBy(() -> ModerationDemo.join(demo.engine().send(alice, c, "k1", "spam!")))
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(ChatException.class)
          .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.REJECTED));
      assertThat(
              ModerationDemo.join(demo.engine().send(alice, c, "k2", "heck yes")).message().body())
          .isEqualTo("**** yes");
      assertThat(ModerationDemo.join(demo.engine().send(alice, c, "k3", "hello")).message().body())
          .isEqualTo("hello");

      assertThat(
              ModerationDemo.join(demo.engine().history(bob, c, HistoryQuery.latest(10))).stream()
                  .map(Message::body))
          .containsExactly("**** yes", "hello");
    }
  }
}
