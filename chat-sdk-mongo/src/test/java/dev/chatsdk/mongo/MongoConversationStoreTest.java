package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MongoConversationStoreTest extends MongoStoreTestBase {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000000123Z");

  private static Member member(String userId, MemberRole role) {
    return new Member(userId, role, T0);
  }

  private static Conversation direct(String id, String a, String b) {
    return new Conversation(
        id,
        ConversationKind.DIRECT,
        null,
        List.of(member(a, MemberRole.MEMBER), member(b, MemberRole.MEMBER)),
        T0);
  }

  private static Conversation group(String id, Instant createdAt, String... users) {
    List<Member> members = new ArrayList<>();
    for (String u : users) {
      members.add(member(u, members.isEmpty() ? MemberRole.ADMIN : MemberRole.MEMBER));
    }
    return new Conversation(id, ConversationKind.GROUP, "Group " + id, members, createdAt);
  }

  private static ErrorCode codeOf(Throwable thrown) {
    return ((ChatException) thrown.getCause()).code();
  }

  @Test
  void createdConversationsRoundTripAndListNewestFirst() {
    Conversation older = await(store.conversationStore().create(group("g1", T0, "alice", "bob")));
    Conversation newer =
        await(store.conversationStore().create(group("g2", T0.plusSeconds(5), "alice")));
    Conversation dm =
        await(
            store
                .conversationStore()
                .create(
                    new Conversation(
                        "d1",
                        ConversationKind.DIRECT,
                        null,
                        List.of(
                            member("bob", MemberRole.MEMBER), member("alice", MemberRole.MEMBER)),
                        T0.plusSeconds(1))));

    assertThat(await(store.conversationStore().find("g1"))).contains(older);
    assertThat(await(store.conversationStore().find("nope"))).isEmpty();
    assertThat(await(store.conversationStore().listForUser("alice")))
        .containsExactly(newer, dm, older);
    assertThat(await(store.conversationStore().listForUser("bob"))).containsExactly(dm, older);
    assertThat(await(store.conversationStore().listForUser("nobody"))).isEmpty();
  }

  @Test
  void concurrentDirectCreatesForOnePairYieldOneConversation() {
    List<CompletableFuture<Conversation>> racing =
        IntStream.range(0, 12)
            .mapToObj(
                i ->
                    store
                        .conversationStore()
                        .create(i % 2 == 0 ? direct("d" + i, "a", "b") : direct("d" + i, "b", "a"))
                        .toCompletableFuture())
            .toList();
    List<String> ids = racing.stream().map(f -> await(f).id()).distinct().toList();

    assertThat(ids).hasSize(1);
    assertThat(await(store.conversationStore().findDirect("b", "a")).orElseThrow().id())
        .isEqualTo(ids.get(0));
    assertThat(await(store.conversationStore().listForUser("a"))).hasSize(1);
    assertThat(await(store.conversationStore().findDirect("a", "c"))).isEmpty();
  }

  @Test
  void reusingAGroupIdIsAConflict() {
    await(store.conversationStore().create(group("g1", T0, "alice")));

    assertThatThrownBy(() -> await(store.conversationStore().create(group("g1", T0, "bob"))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void concurrentMemberAddsAllTakeEffectAndRepeatsAreNoOps() {
    await(store.conversationStore().create(group("g1", T0, "admin")));
    List<CompletableFuture<Conversation>> racing =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    store
                        .conversationStore()
                        .addMember("g1", member("u" + (i % 10), MemberRole.MEMBER))
                        .toCompletableFuture())
            .toList();
    racing.forEach(MongoStoreTestBase::await);

    Conversation stored = await(store.conversationStore().find("g1")).orElseThrow();
    assertThat(stored.members()).hasSize(11);
    assertThat(stored.memberIds()).doesNotHaveDuplicates().contains("admin", "u0", "u9");
    assertThat(await(store.conversationStore().addMember("g1", member("u3", MemberRole.ADMIN))))
        .isEqualTo(stored);
  }

  @Test
  void removingMembersIsAtomicAndANoOpForNonMembers() {
    await(store.conversationStore().create(group("g1", T0, "admin", "a", "b", "c")));

    Conversation afterRemove = await(store.conversationStore().removeMember("g1", "b"));
    Conversation unchanged = await(store.conversationStore().removeMember("g1", "zed"));

    assertThat(afterRemove.memberIds()).containsExactly("admin", "a", "c");
    assertThat(unchanged).isEqualTo(afterRemove);
    assertThat(await(store.conversationStore().find("g1"))).contains(afterRemove);
    assertThat(await(store.conversationStore().listForUser("b"))).isEmpty();
  }

  @Test
  void membershipChangesOfUnknownConversationsAreNotFound() {
    assertThatThrownBy(
            () ->
                await(store.conversationStore().addMember("nope", member("a", MemberRole.MEMBER))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> await(store.conversationStore().removeMember("nope", "a")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> await(store.conversationStore().rename("nope", "x")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void addingPastTheMemberCapIsInvalid() {
    List<Member> full = new ArrayList<>();
    for (int i = 0; i < Conversation.MAX_MEMBERS; i++) {
      full.add(member("u" + i, i == 0 ? MemberRole.ADMIN : MemberRole.MEMBER));
    }
    await(
        store
            .conversationStore()
            .create(new Conversation("big", ConversationKind.GROUP, "Big", full, T0)));

    assertThatThrownBy(
            () ->
                await(
                    store
                        .conversationStore()
                        .addMember("big", member("one-more", MemberRole.MEMBER))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    await(store.conversationStore().removeMember("big", "u5"));
    assertThat(
            await(store.conversationStore().addMember("big", member("one-more", MemberRole.MEMBER)))
                .members())
        .hasSize(Conversation.MAX_MEMBERS);
  }

  @Test
  void groupsCanBeRenamedButDirectConversationsCannotChange() {
    await(store.conversationStore().create(group("g1", T0, "alice")));
    await(store.conversationStore().create(direct("d1", "a", "b")));

    assertThat(await(store.conversationStore().rename("g1", "New title")).title())
        .isEqualTo("New title");
    assertThat(await(store.conversationStore().find("g1")).orElseThrow().title())
        .isEqualTo("New title");
    assertThatThrownBy(() -> await(store.conversationStore().rename("d1", "x")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> await(store.conversationStore().rename("g1", " ")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(
            () -> await(store.conversationStore().addMember("d1", member("c", MemberRole.MEMBER))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
