package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.User;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MongoUserAndCredentialStoreTest extends MongoStoreTestBase {
  private static final Instant CREATED = Instant.parse("2026-03-04T05:06:07.000000001Z");

  private User user(String id, String username, String displayName) {
    return new User(id, username, displayName, null, CREATED, null);
  }

  private static ErrorCode codeOf(Throwable thrown) {
    return ((ChatException) thrown.getCause()).code();
  }

  @Test
  void createdUserIsFoundByIdAndCaseInsensitiveUsername() {
    User alice = await(store.userStore().create(user("u1", "Alice", "Alice A.")));

    assertThat(await(store.userStore().findById("u1"))).contains(alice);
    assertThat(await(store.userStore().findByUsername("aLiCe"))).contains(alice);
    assertThat(await(store.userStore().findById("nope"))).isEmpty();
    assertThat(await(store.userStore().findByIds(List.of("u1", "nope", "u1"))))
        .containsExactly(alice);
    assertThat(await(store.userStore().findByIds(List.of()))).isEmpty();
  }

  @Test
  void usernameDifferingOnlyInCaseIsAConflict() {
    await(store.userStore().create(user("u1", "alice", "Alice")));

    assertThatThrownBy(() -> await(store.userStore().create(user("u2", "ALICE", "Other"))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> await(store.userStore().create(user("u1", "bob", "Bob"))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void searchWithControlCharactersMatchesLiterallyInsteadOfFailing() {
    await(store.userStore().create(user("u1", "alice", "Alice")));

    // a NUL in the query used to end up raw in the BSON regex (a C string): a store error, a 500
    assertThat(await(store.userStore().search("al\u0000", 10))).isEmpty();
    assertThat(await(store.userStore().search("\u0000", 10))).isEmpty();
    assertThat(await(store.userStore().search("al\t", 10))).isEmpty();
    assertThat(await(store.userStore().search("al", 10)))
        .extracting(User::id)
        .containsExactly("u1");
  }

  @Test
  void searchMatchesUsernameOrDisplayNameLiterallyOrderedByUsername() {
    await(store.userStore().create(user("u1", "carol", "Carol")));
    await(store.userStore().create(user("u2", "alice", "Wonder (Land)")));
    await(store.userStore().create(user("u3", "bob.smith", "Bob")));

    assertThat(await(store.userStore().search("", 10)))
        .extracting(User::username)
        .containsExactly("alice", "bob.smith", "carol");
    assertThat(await(store.userStore().search("AR", 10)))
        .extracting(User::username)
        .containsExactly("carol");
    assertThat(await(store.userStore().search("(land)", 10)))
        .extracting(User::username)
        .containsExactly("alice");
    assertThat(await(store.userStore().search(".", 10)))
        .extracting(User::username)
        .containsExactly("bob.smith");
    assertThat(await(store.userStore().search("", 2))).hasSize(2);
  }

  @Test
  void profileUpdatesChangeOnlyDisplayNameAndAvatar() {
    await(store.userStore().create(user("u1", "alice", "Alice")));

    User updated =
        await(
            store
                .userStore()
                .updateProfile(new User("u1", "ignored", "Alice B", "blob9", Instant.EPOCH, null)));
    User stored = await(store.userStore().findById("u1")).orElseThrow();

    assertThat(updated).isEqualTo(stored);
    assertThat(stored.username()).isEqualTo("alice");
    assertThat(stored.displayName()).isEqualTo("Alice B");
    assertThat(stored.avatarId()).isEqualTo("blob9");
    assertThat(stored.createdAt()).isEqualTo(CREATED);
    assertThat(await(store.userStore().updateProfile(stored.withAvatarId(null))).avatarId())
        .isNull();
    assertThatThrownBy(() -> await(store.userStore().updateProfile(user("u9", "zed", "Zed"))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void lastSeenIsRecordedAndIgnoredForUnknownUsers() {
    await(store.userStore().create(user("u1", "alice", "Alice")));
    Instant seen = Instant.parse("2026-05-06T07:08:09.123456Z");

    await(store.userStore().updateLastSeen("u1", seen));
    await(store.userStore().updateLastSeen("nobody", seen));

    assertThat(await(store.userStore().findById("u1")).orElseThrow().lastSeenAt()).isEqualTo(seen);
  }

  @Test
  void credentialsAreSavedReplacedAndTheirGenerationBumpedAtomically() {
    await(store.credentialStore().save(new Credentials("u1", "hash1", 0)));
    await(store.credentialStore().save(new Credentials("u1", "hash2", 3)));

    assertThat(await(store.credentialStore().find("u1")))
        .contains(new Credentials("u1", "hash2", 3));
    List<Long> bumped =
        java.util.stream.IntStream.range(0, 10)
            .mapToObj(i -> store.credentialStore().bumpTokenGeneration("u1").toCompletableFuture())
            .toList()
            .stream()
            .map(MongoStoreTestBase::await)
            .sorted()
            .toList();
    assertThat(bumped).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
    assertThat(await(store.credentialStore().find("u1")).orElseThrow().tokenGeneration())
        .isEqualTo(13);
    assertThat(await(store.credentialStore().find("nobody"))).isEmpty();
    assertThatThrownBy(() -> await(store.credentialStore().bumpTokenGeneration("nobody")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
