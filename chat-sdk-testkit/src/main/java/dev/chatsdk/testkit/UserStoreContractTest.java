package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.awaitFailure;
import static dev.chatsdk.testkit.Contracts.now;
import static dev.chatsdk.testkit.Contracts.race;
import static dev.chatsdk.testkit.Contracts.randomToken;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.UserStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link UserStore} must pass. Extend it, implement {@link #createStore()}, and
 * run it as a test class.
 *
 * <p>Each test calls {@link #createStore()} once and {@link #closeStore(UserStore)} after. The
 * factory may return one store shared by every test (a database): tests use fresh ids and usernames
 * and never assume the store is empty. Instants are compared at millisecond precision.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class UserStoreContractTest {
  private @Nullable UserStore store;

  /** Creates (or returns the shared) store under test. Called before each test. */
  protected abstract UserStore createStore();

  /**
   * Releases what {@link #createStore()} made; called after each test. The default does nothing.
   */
  protected void closeStore(UserStore store) {}

  @BeforeEach
  final void setUpUserStore() {
    store = createStore();
  }

  @AfterEach
  final void tearDownUserStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  private UserStore store() {
    if (store == null) {
      throw new IllegalStateException("createStore() not called yet");
    }
    return store;
  }

  private static String username(String prefix) {
    return prefix + randomToken(12);
  }

  private static User user(String username) {
    return new User(uniqueId("u"), username, "Name " + username, null, now(), null);
  }

  @Test
  void createdUserIsFoundById() {
    User user = new User(uniqueId("u"), username("ann"), "Ann", "avatar-1", now(), now());

    User created = await(store().create(user));

    assertThat(created).isEqualTo(user);
    assertThat(await(store().findById(user.id()))).contains(user);
  }

  @Test
  void unknownIdIsNotFound() {
    assertThat(await(store().findById(uniqueId("missing")))).isEmpty();
  }

  @Test
  void createWithTakenIdFailsWithConflict() {
    User first = await(store().create(user(username("bea"))));
    User sameId = new User(first.id(), username("other"), "Other", null, now(), null);

    awaitFailure(store().create(sameId), ErrorCode.CONFLICT);
    assertThat(await(store().findById(first.id()))).contains(first);
    assertThat(await(store().findByUsername(sameId.username()))).isEmpty();
  }

  @Test
  void createWithUsernameTakenInAnotherCaseFailsWithConflict() {
    String name = username("cy");
    User first = await(store().create(user(name)));
    User clash = user(name.toUpperCase(Locale.ROOT));

    awaitFailure(store().create(clash), ErrorCode.CONFLICT);
    assertThat(await(store().findById(clash.id()))).isEmpty();
    assertThat(await(store().findByUsername(name))).contains(first);
  }

  @Test
  void concurrentCreatesOfOneUsernameLetExactlyOneSucceed() {
    int names = 20;
    int racers = 6;
    List<String> taken = new ArrayList<>();
    for (int n = 0; n < names; n++) {
      taken.add(username("dee"));
    }

    List<CompletableFuture<User>> results =
        race(
            racers,
            names * racers,
            i -> {
              String name = taken.get(i / racers);
              return store().create(user(i % 2 == 0 ? name : name.toUpperCase(Locale.ROOT)));
            });

    for (int n = 0; n < names; n++) {
      List<CompletableFuture<User>> forName = results.subList(n * racers, (n + 1) * racers);
      List<User> winners =
          forName.stream()
              .filter(f -> !f.isCompletedExceptionally())
              .map(Contracts::await)
              .toList();
      assertThat(winners).as("successful creates of " + taken.get(n)).hasSize(1);
      for (CompletableFuture<User> result : forName) {
        if (result.isCompletedExceptionally()) {
          awaitFailure(result, ErrorCode.CONFLICT);
        }
      }
      assertThat(await(store().findByUsername(taken.get(n)))).contains(winners.get(0));
    }
  }

  @Test
  void findByUsernameIgnoresCase() {
    String name = "Mixed_" + randomToken(8);
    User user = await(store().create(user(name)));

    assertThat(await(store().findByUsername(name.toLowerCase(Locale.ROOT)))).contains(user);
    assertThat(await(store().findByUsername(name.toUpperCase(Locale.ROOT)))).contains(user);
    assertThat(await(store().findByUsername(name))).contains(user);
  }

  @Test
  void unknownUsernameIsNotFound() {
    assertThat(await(store().findByUsername(username("nobody")))).isEmpty();
  }

  @Test
  void findByIdsReturnsTheUsersThatExist() {
    User a = await(store().create(user(username("eve"))));
    User b = await(store().create(user(username("fay"))));

    List<User> found = await(store().findByIds(List.of(a.id(), uniqueId("missing"), b.id())));

    assertThat(found).containsExactlyInAnyOrder(a, b);
    assertThat(await(store().findByIds(List.of()))).isEmpty();
    assertThat(await(store().findByIds(Set.of(uniqueId("missing"))))).isEmpty();
  }

  @Test
  void searchMatchesUsernameOrDisplayNameIgnoringCaseOrderedByUsername() {
    String token = randomToken(10);
    User zed =
        await(store().create(new User(uniqueId("u"), "zed" + token, "Zed", null, now(), null)));
    User amy =
        await(store().create(new User(uniqueId("u"), "amy" + token, "Amy", null, now(), null)));
    User bob =
        await(
            store()
                .create(
                    new User(
                        uniqueId("u"),
                        username("bob"),
                        "Bob " + token.toUpperCase(Locale.ROOT),
                        null,
                        now(),
                        null)));
    await(store().create(user(username("cat"))));

    assertThat(await(store().search(token.toUpperCase(Locale.ROOT), 10)))
        .containsExactly(amy, bob, zed);
    assertThat(await(store().search(token, 2))).containsExactly(amy, bob);
    assertThat(await(store().search(token, 1))).containsExactly(amy);
  }

  @Test
  void emptySearchListsAllUsersOrderedByUsernameUpToTheLimit() {
    String token = randomToken(10);
    User b = await(store().create(user("b" + token)));
    User a = await(store().create(user("a" + token)));

    List<User> all = await(store().search("", 1000));
    List<User> ours = all.stream().filter(u -> u.username().endsWith(token)).toList();
    assertThat(ours).containsExactly(a, b);
    assertThat(await(store().search("", 1))).hasSize(1);
  }

  @Test
  void updateProfileReplacesDisplayNameAndAvatarOnly() {
    Instant seen = now().minusSeconds(60);
    User stored =
        await(store().create(new User(uniqueId("u"), username("gus"), "Gus", null, now(), seen)));
    User change =
        new User(
            stored.id(),
            username("renamed"),
            "Gus Renamed",
            "avatar-" + randomToken(6),
            now().plusSeconds(3600),
            null);

    User updated = await(store().updateProfile(change));

    User expected = stored.withDisplayName("Gus Renamed").withAvatarId(change.avatarId());
    assertThat(updated).isEqualTo(expected);
    assertThat(await(store().findById(stored.id()))).contains(expected);
    assertThat(await(store().findByUsername(stored.username()))).contains(expected);
    assertThat(await(store().findByUsername(change.username()))).isEmpty();
  }

  @Test
  void updateProfileWithoutAvatarRemovesIt() {
    User stored =
        await(
            store()
                .create(new User(uniqueId("u"), username("hal"), "Hal", "avatar-x", now(), null)));

    User updated = await(store().updateProfile(stored.withAvatarId(null)));

    assertThat(updated.avatar()).isEmpty();
    assertThat(await(store().findById(stored.id())).orElseThrow().avatar()).isEmpty();
  }

  @Test
  void updateProfileOfUnknownUserFailsWithNotFound() {
    ChatException e =
        awaitFailure(store().updateProfile(user(username("ivy"))), ErrorCode.NOT_FOUND);

    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  void updateLastSeenRecordsTheTime() {
    User stored = await(store().create(user(username("jay"))));
    Instant at = now();

    await(store().updateLastSeen(stored.id(), at));

    assertThat(await(store().findById(stored.id()))).contains(stored.withLastSeenAt(at));
  }

  @Test
  void updateLastSeenOfUnknownUserIsANoOp() {
    String id = uniqueId("missing");

    await(store().updateLastSeen(id, now()));

    assertThat(await(store().findById(id))).isEmpty();
  }
}
