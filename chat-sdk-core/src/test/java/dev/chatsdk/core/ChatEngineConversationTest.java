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
import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.core.EngineFixture.Client;
import dev.chatsdk.testkit.RecordingConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

  @Test
  void adminsMayMakeMembersAdminsAndStepDownButAGroupKeepsAnAdmin() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    fx.user("c");
    Conversation g = join(engine.createGroup(principal("a"), "G", List.of("b", "c")));
    Conversation d = join(engine.createDirect(principal("a"), "b"));
    Client c = fx.connect(engine, "c");

    assertThat(failure(engine.setMemberRole(principal("b"), g.id(), "b", MemberRole.ADMIN)).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    Conversation promoted =
        join(engine.setMemberRole(principal("a"), g.id(), "b", MemberRole.ADMIN));
    assertThat(promoted.isAdmin("b")).isTrue();
    assertThat(promoted.isAdmin("c")).isFalse();
    Map<String, Object> changed = c.await(f -> "role_changed".equals(f.get("change")));
    assertThat(changed.get("userId")).isEqualTo("b");
    assertThat(at(changed, "conversation", "members", "1", "role")).isEqualTo("admin");
    assertThat(join(engine.rename(principal("b"), g.id(), "Renamed by b")).title())
        .isEqualTo("Renamed by b");

    Conversation steppedDown =
        join(engine.setMemberRole(principal("a"), g.id(), "a", MemberRole.MEMBER));
    assertThat(steppedDown.isAdmin("a")).isFalse();
    assertThat(failure(engine.rename(principal("a"), g.id(), "x")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.setMemberRole(principal("b"), g.id(), "b", MemberRole.MEMBER)).code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(join(engine.setMemberRole(principal("b"), g.id(), "c", MemberRole.MEMBER)))
        .isEqualTo(steppedDown);
    assertThat(
            failure(engine.setMemberRole(principal("b"), g.id(), "ghost", MemberRole.ADMIN)).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(engine.setMemberRole(principal("a"), d.id(), "b", MemberRole.ADMIN)).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(join(fx.conversations.find(g.id())).orElseThrow()).isEqualTo(steppedDown);
  }

  @Test
  void whenTheLastAdminLeavesTheLongestStandingMemberBecomesAdmin() {
    ChatEngine engine = fx.engine();
    for (String id : List.of("a", "b", "c", "d")) {
      fx.user(id);
    }
    Conversation g = join(engine.createGroup(principal("a"), "G", List.of("c")));
    join(engine.addMember(principal("a"), g.id(), "b"));
    Client d = fx.connect(engine, "d");
    join(engine.addMember(principal("a"), g.id(), "d"));

    Conversation after = join(engine.leave(principal("a"), g.id()));

    assertThat(after.memberIds()).containsExactly("c", "b", "d");
    assertThat(after.isAdmin("c")).as("c joined first").isTrue();
    assertThat(after.isAdmin("b") || after.isAdmin("d")).isFalse();
    assertThat(join(fx.conversations.find(g.id())).orElseThrow()).isEqualTo(after);
    d.await(f -> "member_left".equals(f.get("change")));
    Map<String, Object> promoted = d.await(f -> "role_changed".equals(f.get("change")));
    assertThat(promoted.get("userId")).isEqualTo("c");

    // An admin who removes themselves hands over the same way.
    Conversation removed = join(engine.removeMember(principal("c"), g.id(), "c"));
    assertThat(removed.memberIds()).containsExactly("b", "d");
    assertThat(removed.isAdmin("b")).isTrue();
  }

  @Test
  void adminsLeavingOrSteppingDownTogetherStillLeaveTheGroupAnAdmin() {
    // Store answers arrive later on other threads, so the two calls check and write interleaved.
    ChatEngine engine = fx.engine(b -> b.conversationStore(answeringLater(fx.conversations)));
    for (String id : List.of("a", "b", "c", "d")) {
      fx.user(id);
    }
    for (int round = 0; round < 20; round++) {
      Conversation g =
          join(engine.createGroup(principal("a"), "G" + round, List.of("b", "c", "d")));
      join(engine.setMemberRole(principal("a"), g.id(), "b", MemberRole.ADMIN));
      boolean leave = round % 2 == 0;

      var byA =
          leave
              ? engine.leave(principal("a"), g.id())
              : engine.setMemberRole(principal("a"), g.id(), "a", MemberRole.MEMBER);
      var byB =
          leave
              ? engine.leave(principal("b"), g.id())
              : engine.setMemberRole(principal("b"), g.id(), "b", MemberRole.MEMBER);
      join(byA);
      try {
        join(byB);
      } catch (RuntimeException e) {
        // b may have seen a's step-down first and been refused as the only admin.
        assertThat(failure(byB).code()).isEqualTo(ErrorCode.CONFLICT);
      }

      Conversation stored = join(fx.conversations.find(g.id())).orElseThrow();
      assertThat(stored.hasAdmin()).as("round %d", round).isTrue();
      if (leave) {
        assertThat(stored.memberIds()).containsExactly("c", "d");
        assertThat(stored.isAdmin("c")).isTrue();
      }
    }
  }

  /** {@code store}, answering each call on another thread after up to 2 ms. */
  private static ConversationStore answeringLater(ConversationStore store) {
    return (ConversationStore)
        Proxy.newProxyInstance(
            ConversationStore.class.getClassLoader(),
            new Class<?>[] {ConversationStore.class},
            (self, method, args) -> {
              CompletionStage<?> answer;
              try {
                answer = (CompletionStage<?>) method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              Executor later =
                  CompletableFuture.delayedExecutor(
                      ThreadLocalRandom.current().nextInt(0, 2_000), TimeUnit.MICROSECONDS);
              return answer.thenApplyAsync(value -> value, later);
            });
  }
}
