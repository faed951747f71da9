package dev.chatsdk.core;

import static dev.chatsdk.core.ChatEngineDeliveryTest.sleep;
import static dev.chatsdk.core.EngineFixture.at;
import static dev.chatsdk.core.EngineFixture.failure;
import static dev.chatsdk.core.EngineFixture.join;
import static dev.chatsdk.core.EngineFixture.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.core.EngineFixture.Client;
import dev.chatsdk.testkit.RecordingConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatEngineConversationTest {
  private final EngineFixture fx = new EngineFixture();

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void createDirectIsIdempotentPerPairAndTellsBothOnce() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Client b = fx.connect(engine, "b");
    Conversation first = join(engine.createDirect(principal("a"), "b"));
    Conversation again = join(engine.createDirect(principal("b"), "a"));
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(first.kind()).isEqualTo(ConversationKind.DIRECT);
    Map<String, Object> created = b.await("conversation");
    assertThat(created.get("change")).isEqualTo("created");
    sleep(50);
    assertThat(b.frames("conversation")).hasSize(1);
    assertThat(failure(engine.createDirect(principal("a"), "a")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure(engine.createDirect(principal("a"), "nobody")).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void aNewConversationIsLiveForItsMembersAtOnce() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Client b = fx.connect(engine, "b");
    Conversation d = join(engine.createDirect(principal("a"), "b"));
    b.await("conversation");
    join(engine.send(principal("a"), d.id(), "k", "hi there"));
    assertThat(at(b.await("message"), "message", "body")).isEqualTo("hi there");
  }

  @Test
  void aMessageSentRightAfterCreationArrivesAfterTheConversationFrame() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Client b = fx.connect(engine, "b");
    for (int i = 0; i < 5; i++) {
      Conversation g = join(engine.createGroup(principal("a"), "G" + i, List.of("b")));
      join(engine.send(principal("a"), g.id(), "k", "first words"));
      b.await(
          f ->
              "message".equals(f.get("type")) && g.id().equals(at(f, "message", "conversationId")));
    }
    List<String> types = b.conn.frames().stream().map(RecordingConnection::typeOf).toList();
    assertThat(types.subList(1, types.size()))
        .containsExactly(
            "conversation",
            "message",
            "conversation",
            "message",
            "conversation",
            "message",
            "conversation",
            "message",
            "conversation",
            "message");
  }

  @Test
  void onlyAdminsManageAGroupAndEveryoneConcernedIsTold() {
    ChatEngine engine = fx.engine();
    fx.user("admin");
    fx.user("m");
    fx.user("newbie");
    Conversation g = join(engine.createGroup(principal("admin"), "Club", List.of("m")));
    assertThat(g.isAdmin("admin")).isTrue();
    assertThat(g.member("m").orElseThrow().role()).isEqualTo(MemberRole.MEMBER);
    Client m = fx.connect(engine, "m");
    Client newbie = fx.connect(engine, "newbie");

    assertThat(failure(engine.addMember(principal("m"), g.id(), "newbie")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.rename(principal("m"), g.id(), "Mine")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.removeMember(principal("m"), g.id(), "admin")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.addMember(principal("newbie"), g.id(), "newbie")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);

    join(engine.addMember(principal("admin"), g.id(), "newbie"));
    Map<String, Object> added = newbie.await("conversation");
    assertThat(added.get("change")).isEqualTo("member_added");
    assertThat(added.get("userId")).isEqualTo("newbie");
    assertThat(m.await("conversation").get("change")).isEqualTo("member_added");
    join(engine.send(principal("m"), g.id(), "k1", "welcome"));
    assertThat(at(newbie.await("message"), "message", "body")).isEqualTo("welcome");

    Conversation renamed = join(engine.rename(principal("admin"), g.id(), "Club 2"));
    assertThat(renamed.title()).isEqualTo("Club 2");
    assertThat(newbie.await(f -> "renamed".equals(f.get("change"))).get("conversation"))
        .isNotNull();
    assertThat(failure(engine.rename(principal("admin"), g.id(), " ")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);

    join(engine.removeMember(principal("admin"), g.id(), "newbie"));
    Map<String, Object> removed = newbie.await(f -> "member_removed".equals(f.get("change")));
    assertThat(removed.get("userId")).isEqualTo("newbie");
    m.await(f -> "member_removed".equals(f.get("change")));
    join(engine.send(principal("m"), g.id(), "k2", "bye newbie"));
    m.awaitCount("message", 2);
    sleep(100);
    assertThat(newbie.bodies(g.id())).containsExactly("welcome");
    assertThat(failure(engine.send(principal("newbie"), g.id(), "k3", "hey")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void membersMayLeaveAGroupButNotADirectConversation() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation g = join(engine.createGroup(principal("a"), "G", List.of("b")));
    Conversation d = join(engine.createDirect(principal("a"), "b"));
    Client a = fx.connect(engine, "a");
    Conversation after = join(engine.leave(principal("b"), g.id()));
    assertThat(after.isMember("b")).isFalse();
    Map<String, Object> left = a.await(f -> "member_left".equals(f.get("change")));
    assertThat(left.get("userId")).isEqualTo("b");
    assertThat(failure(engine.leave(principal("a"), d.id())).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure(engine.addMember(principal("a"), d.id(), "b")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure(engine.createGroup(principal("a"), "G2", List.of("ghost"))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }
}
