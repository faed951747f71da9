package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.awaitFailure;
import static dev.chatsdk.testkit.Contracts.now;
import static dev.chatsdk.testkit.Contracts.race;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static dev.chatsdk.testkit.Contracts.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.port.ConversationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ConversationStore} must pass. Extend it, implement {@link
 * #createStore()}, and run it as a test class.
 *
 * <p>Each test calls {@link #createStore()} once and {@link #closeStore(ConversationStore)} after.
 * The factory may return one store shared by every test (a database): tests use fresh ids and never
 * assume the store is empty. Instants are compared at millisecond precision.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ConversationStoreContractTest {
  private @Nullable ConversationStore store;

  /** Creates (or returns the shared) store under test. Called before each test. */
  protected abstract ConversationStore createStore();

  /**
   * Releases what {@link #createStore()} made; called after each test. The default does nothing.
   */
  protected void closeStore(ConversationStore store) {}

  @BeforeEach
  final void setUpConversationStore() {
    store = createStore();
  }

  @AfterEach
  final void tearDownConversationStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  private ConversationStore store() {
    if (store == null) {
      throw new IllegalStateException("createStore() not called yet");
    }
    return store;
  }

  private static Member member(String userId, MemberRole role) {
    return new Member(userId, role, now());
  }

  private static Conversation group(String title, Instant createdAt, String... userIds) {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < userIds.length; i++) {
      members.add(member(userIds[i], i == 0 ? MemberRole.ADMIN : MemberRole.MEMBER));
    }
    return new Conversation(uniqueId("c"), ConversationKind.GROUP, title, members, createdAt);
  }

  private static Conversation direct(String a, String b) {
    return direct(a, b, now());
  }

  private static Conversation direct(String a, String b, Instant createdAt) {
    return new Conversation(
        uniqueId("c"),
        ConversationKind.DIRECT,
        null,
        List.of(member(a, MemberRole.MEMBER), member(b, MemberRole.MEMBER)),
        createdAt);
  }

  @Test
  void createdGroupIsFoundById() {
    Conversation group = group("Team", now(), uniqueId("u"), uniqueId("u"), uniqueId("u"));

    assertThat(await(store().create(group))).isEqualTo(group);
    assertThat(await(store().find(group.id()))).contains(group);
  }

  @Test
  void unknownIdIsNotFound() {
    assertThat(await(store().find(uniqueId("missing")))).isEmpty();
  }

  @Test
  void createWithTakenIdFailsWithConflict() {
    Conversation first = await(store().create(group("First", now(), uniqueId("u"))));
    Conversation sameId =
        new Conversation(
            first.id(),
            ConversationKind.GROUP,
            "Second",
            List.of(member(uniqueId("u"), MemberRole.ADMIN)),
            now());

    awaitFailure(store().create(sameId), ErrorCode.CONFLICT);
    assertThat(await(store().find(first.id()))).contains(first);
  }

  @Test
  void directConversationIsFoundByItsPairInEitherOrder() {
    String a = uniqueId("u");
    String b = uniqueId("u");
    Conversation direct = await(store().create(direct(a, b)));

    assertThat(await(store().findDirect(a, b))).contains(direct);
    assertThat(await(store().findDirect(b, a))).contains(direct);
    assertThat(await(store().find(direct.id()))).contains(direct);
  }

  @Test
  void pairWithoutDirectConversationIsNotFound() {
    String a = uniqueId("u");
    String b = uniqueId("u");
    await(store().create(group("Not direct", now(), a, b)));

    assertThat(await(store().findDirect(a, b))).isEmpty();
  }

  @Test
  void secondDirectConversationForAPairReturnsTheStoredOne() {
    String a = uniqueId("u");
    String b = uniqueId("u");
    Conversation first = await(store().create(direct(a, b)));
    Conversation second = direct(b, a);

    Conversation result = await(store().create(second));

    assertThat(result).isEqualTo(first);
    assertThat(await(store().find(second.id()))).isEmpty();
    assertThat(await(store().listForUser(a))).containsExactly(first);
  }

  @Test
  void concurrentDirectCreatesForOnePairYieldOneConversation() {
    int pairs = 20;
    int racers = 8;
    List<String[]> pair = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      pair.add(new String[] {uniqueId("u"), uniqueId("u")});
    }

    List<Conversation> results =
        values(
            race(
                racers,
                pairs * racers,
                i -> {
                  String[] ab = pair.get(i / racers);
                  return store().create(i % 2 == 0 ? direct(ab[0], ab[1]) : direct(ab[1], ab[0]));
                }));

    for (int p = 0; p < pairs; p++) {
      String a = pair.get(p)[0];
      String b = pair.get(p)[1];
      List<Conversation> forPair = results.subList(p * racers, (p + 1) * racers);
      assertThat(forPair.stream().map(Conversation::id).distinct())
          .as("conversations created for one pair")
          .hasSize(1);
      Conversation winner = forPair.get(0);
      assertThat(await(store().findDirect(a, b))).contains(winner);
      assertThat(await(store().listForUser(a))).containsExactly(winner);
      assertThat(await(store().listForUser(b))).containsExactly(winner);
    }
  }

  @Test
  void listForUserReturnsTheUsersConversationsNewestFirst() {
    String me = uniqueId("u");
    String other = uniqueId("u");
    Instant base = now();
    Conversation oldest = await(store().create(group("Oldest", base.minusSeconds(30), me, other)));
    Conversation newest = await(store().create(group("Newest", base, other, me)));
    Conversation middle = await(store().create(direct(me, other, base.minusSeconds(10))));
    await(store().create(group("Not mine", base, other)));

    assertThat(await(store().listForUser(me))).containsExactly(newest, middle, oldest);
    assertThat(await(store().listForUser(uniqueId("nobody")))).isEmpty();
  }

  @Test
  void addMemberAppendsTheMemberAndReturnsTheUpdatedConversation() {
    String admin = uniqueId("u");
    Conversation group = await(store().create(group("Team", now(), admin)));
    Member joining = member(uniqueId("u"), MemberRole.MEMBER);

    Conversation updated = await(store().addMember(group.id(), joining));

    assertThat(updated.members()).containsExactly(group.members().get(0), joining);
    assertThat(updated.id()).isEqualTo(group.id());
    assertThat(updated.title()).isEqualTo(group.title());
    assertThat(await(store().find(group.id()))).contains(updated);
    assertThat(await(store().listForUser(joining.userId()))).containsExactly(updated);
  }

  @Test
  void addingAnExistingMemberIsANoOp() {
    String admin = uniqueId("u");
    Conversation group = await(store().create(group("Team", now(), admin)));

    Conversation result = await(store().addMember(group.id(), member(admin, MemberRole.MEMBER)));

    assertThat(result).isEqualTo(group);
    assertThat(await(store().find(group.id()))).contains(group);
  }

  @Test
  void addMemberToUnknownConversationFailsWithNotFound() {
    awaitFailure(
        store().addMember(uniqueId("missing"), member(uniqueId("u"), MemberRole.MEMBER)),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void addMemberPastTheCapFailsWithInvalidArgument() {
    String[] ids =
        IntStream.range(0, Conversation.MAX_MEMBERS)
            .mapToObj(i -> uniqueId("u"))
            .toArray(String[]::new);
    Conversation full = await(store().create(group("Full", now(), ids)));

    awaitFailure(
        store().addMember(full.id(), member(uniqueId("u"), MemberRole.MEMBER)),
        ErrorCode.INVALID_ARGUMENT);
    assertThat(await(store().find(full.id())).orElseThrow().members())
        .hasSize(Conversation.MAX_MEMBERS);
  }

  @Test
  void concurrentAddMemberCallsAllTakeEffect() {
    int groups = 4;
    int joinersPerGroup = 24;
    List<Conversation> created = new ArrayList<>();
    List<List<String>> joiners = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      created.add(await(store().create(group("Team " + g, now(), uniqueId("u")))));
      joiners.add(IntStream.range(0, joinersPerGroup).mapToObj(i -> uniqueId("u")).toList());
    }

    values(
        race(
            8,
            groups * joinersPerGroup,
            i ->
                store()
                    .addMember(
                        created.get(i % groups).id(),
                        member(joiners.get(i % groups).get(i / groups), MemberRole.MEMBER))));

    for (int g = 0; g < groups; g++) {
      Conversation stored = await(store().find(created.get(g).id())).orElseThrow();
      String admin = created.get(g).memberIds().get(0);
      assertThat(stored.memberIds())
          .hasSize(joinersPerGroup + 1)
          .containsAll(joiners.get(g))
          .startsWith(admin);
    }
  }

  @Test
  void removeMemberTakesTheUserOut() {
    String admin = uniqueId("u");
    String leaving = uniqueId("u");
    String staying = uniqueId("u");
    Conversation group = await(store().create(group("Team", now(), admin, leaving, staying)));

    Conversation updated = await(store().removeMember(group.id(), leaving));

    assertThat(updated.memberIds()).containsExactly(admin, staying);
    assertThat(await(store().find(group.id()))).contains(updated);
    assertThat(await(store().listForUser(leaving))).isEmpty();
    assertThat(await(store().listForUser(staying))).containsExactly(updated);
  }

  @Test
  void removingANonMemberIsANoOp() {
    Conversation group = await(store().create(group("Team", now(), uniqueId("u"))));

    assertThat(await(store().removeMember(group.id(), uniqueId("u")))).isEqualTo(group);
    assertThat(await(store().find(group.id()))).contains(group);
  }

  @Test
  void removeMemberFromUnknownConversationFailsWithNotFound() {
    awaitFailure(store().removeMember(uniqueId("missing"), uniqueId("u")), ErrorCode.NOT_FOUND);
  }

  @Test
  void concurrentRemoveAndAddCallsAllTakeEffect() {
    Raced r = raceAgainstJoins(store()::removeMember);

    assertThat(r.stored().memberIds())
        .containsExactlyInAnyOrderElementsOf(concat(r.admin(), r.joining()));
  }

  /** A group after 8 calls of {@code onMember} (one per member) raced against 8 joins. */
  private record Raced(
      Conversation stored, String admin, List<String> members, List<String> joining) {}

  private Raced raceAgainstJoins(
      BiFunction<String, String, CompletionStage<Conversation>> onMember) {
    String admin = uniqueId("u");
    List<String> members = IntStream.range(0, 8).mapToObj(i -> uniqueId("u")).toList();
    List<String> joining = IntStream.range(0, 8).mapToObj(i -> uniqueId("u")).toList();
    Conversation group =
        await(store().create(group("Team", now(), concat(admin, members).toArray(String[]::new))));

    values(
        race(
            8,
            16,
            i ->
                i % 2 == 0
                    ? onMember.apply(group.id(), members.get(i / 2))
                    : store()
                        .addMember(group.id(), member(joining.get(i / 2), MemberRole.MEMBER))));

    return new Raced(await(store().find(group.id())).orElseThrow(), admin, members, joining);
  }

  @Test
  void setRoleChangesOnlyThatMembersRoleAndKeepsTheOrder() {
    String admin = uniqueId("u");
    String promoted = uniqueId("u");
    String other = uniqueId("u");
    Conversation group = await(store().create(group("Team", now(), admin, promoted, other)));

    Conversation updated = await(store().setRole(group.id(), promoted, MemberRole.ADMIN));

    assertThat(updated).isEqualTo(group.withRole(promoted, MemberRole.ADMIN));
    assertThat(updated.memberIds()).containsExactly(admin, promoted, other);
    assertThat(updated.isAdmin(promoted)).isTrue();
    assertThat(updated.isAdmin(other)).isFalse();
    assertThat(await(store().find(group.id()))).contains(updated);
    assertThat(await(store().listForUser(other))).containsExactly(updated);

    Conversation demoted = await(store().setRole(group.id(), admin, MemberRole.MEMBER));
    assertThat(demoted.isAdmin(admin)).isFalse();
    assertThat(demoted.isAdmin(promoted)).isTrue();
    assertThat(await(store().find(group.id()))).contains(demoted);
  }

  @Test
  void settingTheRoleAMemberHasIsANoOp() {
    Conversation group = await(store().create(group("Team", now(), uniqueId("u"), uniqueId("u"))));

    assertThat(await(store().setRole(group.id(), group.memberIds().get(1), MemberRole.MEMBER)))
        .isEqualTo(group);
    assertThat(await(store().find(group.id()))).contains(group);
  }

  @Test
  void setRoleOfANonMemberOrInAnUnknownConversationFailsWithNotFound() {
    Conversation group = await(store().create(group("Team", now(), uniqueId("u"))));

    awaitFailure(store().setRole(group.id(), uniqueId("u"), MemberRole.ADMIN), ErrorCode.NOT_FOUND);
    awaitFailure(
        store().setRole(uniqueId("missing"), uniqueId("u"), MemberRole.ADMIN), ErrorCode.NOT_FOUND);
    assertThat(await(store().find(group.id()))).contains(group);
  }

  @Test
  void setRoleInADirectConversationFailsWithInvalidArgument() {
    Conversation direct = await(store().create(direct(uniqueId("u"), uniqueId("u"))));

    awaitFailure(
        store().setRole(direct.id(), direct.memberIds().get(0), MemberRole.ADMIN),
        ErrorCode.INVALID_ARGUMENT);
    assertThat(await(store().find(direct.id()))).contains(direct);
  }

  @Test
  void concurrentRoleChangesAndMembershipChangesAllTakeEffect() {
    Raced r = raceAgainstJoins((group, user) -> store().setRole(group, user, MemberRole.ADMIN));

    List<String> initial = concat(r.admin(), r.members());
    List<String> ids = r.stored().memberIds();
    assertThat(ids.subList(0, initial.size())).containsExactlyElementsOf(initial);
    assertThat(ids.subList(initial.size(), ids.size()))
        .containsExactlyInAnyOrderElementsOf(r.joining());
    assertThat(r.members()).allMatch(r.stored()::isAdmin);
    assertThat(r.joining()).noneMatch(r.stored()::isAdmin);
  }

  @Test
  void renameSetsTheTitle() {
    Conversation group = await(store().create(group("Before", now(), uniqueId("u"))));

    Conversation renamed = await(store().rename(group.id(), "After"));

    assertThat(renamed).isEqualTo(group.withTitle("After"));
    assertThat(await(store().find(group.id()))).contains(renamed);
  }

  @Test
  void renameOfUnknownConversationFailsWithNotFound() {
    awaitFailure(store().rename(uniqueId("missing"), "Title"), ErrorCode.NOT_FOUND);
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }
}
