package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.awaitFailure;
import static dev.chatsdk.testkit.Contracts.race;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static dev.chatsdk.testkit.Contracts.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.CredentialStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link CredentialStore} must pass. Extend it, implement {@link
 * #createStore()}, and run it as a test class.
 *
 * <p>Each test calls {@link #createStore()} once and {@link #closeStore(CredentialStore)} after.
 * The factory may return one store shared by every test (a database): tests use fresh user ids.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CredentialStoreContractTest {
  private @Nullable CredentialStore store;

  /** Creates (or returns the shared) store under test. Called before each test. */
  protected abstract CredentialStore createStore();

  /**
   * Releases what {@link #createStore()} made; called after each test. The default does nothing.
   */
  protected void closeStore(CredentialStore store) {}

  @BeforeEach
  final void setUpCredentialStore() {
    store = createStore();
  }

  @AfterEach
  final void tearDownCredentialStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  private CredentialStore store() {
    if (store == null) {
      throw new IllegalStateException("createStore() not called yet");
    }
    return store;
  }

  @Test
  void savedCredentialsAreFound() {
    Credentials credentials = new Credentials(uniqueId("u"), "$argon2id$v=19$hash", 3);

    await(store().save(credentials));

    assertThat(await(store().find(credentials.userId()))).contains(credentials);
  }

  @Test
  void unknownUserHasNoCredentials() {
    assertThat(await(store().find(uniqueId("missing")))).isEmpty();
  }

  @Test
  void saveReplacesTheCredentials() {
    String userId = uniqueId("u");
    await(store().save(new Credentials(userId, "old-hash", 0)));
    Credentials replacement = new Credentials(userId, "new-hash", 7);

    await(store().save(replacement));

    assertThat(await(store().find(userId))).contains(replacement);
  }

  @Test
  void bumpTokenGenerationRaisesItByOneAndKeepsTheHash() {
    String userId = uniqueId("u");
    await(store().save(new Credentials(userId, "hash", 4)));

    assertThat(await(store().bumpTokenGeneration(userId))).isEqualTo(5L);
    assertThat(await(store().bumpTokenGeneration(userId))).isEqualTo(6L);
    assertThat(await(store().find(userId))).contains(new Credentials(userId, "hash", 6));
  }

  @Test
  void bumpTokenGenerationOfUnknownUserFailsWithNotFound() {
    String userId = uniqueId("missing");

    awaitFailure(store().bumpTokenGeneration(userId), ErrorCode.NOT_FOUND);
    assertThat(await(store().find(userId))).isEmpty();
  }

  @Test
  void racingBumpsEachTakeTheirOwnGeneration() {
    String userId = uniqueId("u");
    await(store().save(new Credentials(userId, "hash", 0)));
    int bumps = 50;

    List<Long> generations = values(race(8, bumps, i -> store().bumpTokenGeneration(userId)));

    assertThat(generations)
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, bumps).boxed().toList());
    assertThat(await(store().find(userId)).orElseThrow().tokenGeneration()).isEqualTo(bumps);
  }
}
