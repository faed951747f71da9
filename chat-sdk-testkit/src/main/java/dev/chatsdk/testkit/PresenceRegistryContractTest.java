package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.eventually;
import static dev.chatsdk.testkit.Contracts.now;
import static dev.chatsdk.testkit.Contracts.race;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static dev.chatsdk.testkit.Contracts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link PresenceRegistry} must pass. Extend it, implement {@link
 * #createRegistry()}, and run it as a test class. Implement {@link #createPeer(PresenceRegistry)}
 * to also check presence across nodes: the tests in {@link #acrossNodes()} run only when it returns
 * a peer.
 *
 * <p>Each test calls {@link #createRegistry()} once and {@link #closeRegistry(PresenceRegistry)}
 * after, for the registry and for every peer. Registries may share one backing server: tests use
 * fresh user ids. Instants are compared at millisecond precision.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PresenceRegistryContractTest {
  private final List<PresenceRegistry> created = new ArrayList<>();
  private @Nullable PresenceRegistry registry;

  /** Creates the registry under test: one node's view of the cluster. */
  protected abstract PresenceRegistry createRegistry();

  /**
   * Creates another node's registry sharing {@code registry}'s cluster-wide state, or empty if the
   * implementation cannot (then the cross-node tests do not run). The default is empty.
   */
  protected Optional<PresenceRegistry> createPeer(PresenceRegistry registry) {
    return Optional.empty();
  }

  /** Closes a registry made by the factory methods, after each test. The default calls close(). */
  protected void closeRegistry(PresenceRegistry registry) {
    registry.close();
  }

  @BeforeEach
  final void setUpRegistry() {
    registry = createRegistry();
    created.add(registry);
  }

  @AfterEach
  final void closeRegistries() {
    for (PresenceRegistry r : created) {
      closeRegistry(r);
    }
    created.clear();
  }

  private PresenceRegistry registry() {
    if (registry == null) {
      throw new IllegalStateException("createRegistry() not called yet");
    }
    return registry;
  }

  private Presence presenceOf(PresenceRegistry r, String userId) {
    Map<String, Presence> all = await(r.presence(List.of(userId)));
    assertThat(all).containsOnlyKeys(userId);
    return all.get(userId);
  }

  @Test
  void firstSessionBringsTheUserOnline() {
    String user = uniqueId("u");

    assertThat(await(registry().sessionOpened(user, uniqueId("s")))).isTrue();

    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, true, null));
  }

  @Test
  void furtherSessionsKeepTheUserOnlineWithoutATransition() {
    String user = uniqueId("u");
    String s1 = uniqueId("s");
    await(registry().sessionOpened(user, s1));

    assertThat(await(registry().sessionOpened(user, uniqueId("s")))).isFalse();
    assertThat(await(registry().sessionOpened(user, s1))).isFalse();
    assertThat(presenceOf(registry(), user).online()).isTrue();
  }

  @Test
  void userGoesOfflineWithTheLastSessionAndKeepsLastSeen() {
    String user = uniqueId("u");
    String s1 = uniqueId("s");
    String s2 = uniqueId("s");
    await(registry().sessionOpened(user, s1));
    await(registry().sessionOpened(user, s2));
    Instant at = now();

    assertThat(await(registry().sessionClosed(user, s1, at.minusSeconds(5)))).isFalse();
    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, true, null));
    assertThat(await(registry().sessionClosed(user, s2, at))).isTrue();

    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, false, at));
  }

  @Test
  void reopeningAfterGoingOfflineIsANewTransition() {
    String user = uniqueId("u");
    String s1 = uniqueId("s");
    await(registry().sessionOpened(user, s1));
    await(registry().sessionClosed(user, s1, now()));

    assertThat(await(registry().sessionOpened(user, uniqueId("s")))).isTrue();
    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, true, null));
  }

  @Test
  void aSessionIdOpenedTwiceIsOneLease() {
    String user = uniqueId("u");
    String s1 = uniqueId("s");
    await(registry().sessionOpened(user, s1));
    await(registry().sessionOpened(user, s1));

    assertThat(await(registry().sessionClosed(user, s1, now()))).isTrue();
    assertThat(presenceOf(registry(), user).online()).isFalse();
  }

  @Test
  void closingAnUnknownSessionChangesNothing() {
    String online = uniqueId("u");
    String neverSeen = uniqueId("u");
    await(registry().sessionOpened(online, uniqueId("s")));

    assertThat(await(registry().sessionClosed(online, uniqueId("s"), now()))).isFalse();
    assertThat(await(registry().sessionClosed(neverSeen, uniqueId("s"), now()))).isFalse();

    assertThat(presenceOf(registry(), online)).isEqualTo(new Presence(online, true, null));
    assertThat(presenceOf(registry(), neverSeen)).isEqualTo(new Presence(neverSeen, false, null));
  }

  @Test
  void closingAnotherUsersSessionIdDoesNotAffectThisUser() {
    String alice = uniqueId("u");
    String bob = uniqueId("u");
    String session = uniqueId("s");
    await(registry().sessionOpened(alice, session));

    assertThat(await(registry().sessionClosed(bob, session, now()))).isFalse();
    assertThat(presenceOf(registry(), alice).online()).isTrue();
  }

  @Test
  void presenceListsEveryRequestedUserAndUnknownUsersAreOfflineWithoutLastSeen() {
    String online = uniqueId("u");
    String offline = uniqueId("u");
    String unknown = uniqueId("u");
    String s = uniqueId("s");
    Instant at = now();
    await(registry().sessionOpened(online, uniqueId("s")));
    await(registry().sessionOpened(offline, s));
    await(registry().sessionClosed(offline, s, at));

    Map<String, Presence> all = await(registry().presence(Set.of(online, offline, unknown)));

    assertThat(all)
        .containsOnly(
            Map.entry(online, new Presence(online, true, null)),
            Map.entry(offline, new Presence(offline, false, at)),
            Map.entry(unknown, new Presence(unknown, false, null)));
    assertThat(await(registry().presence(List.of()))).isEmpty();
  }

  @Test
  void racingOpensBringTheUserOnlineExactlyOnceAndRacingClosesTakeItOfflineExactlyOnce() {
    String user = uniqueId("u");
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      sessions.add(uniqueId("s"));
    }
    Instant at = now();

    List<Boolean> opened =
        values(race(8, sessions.size(), i -> registry().sessionOpened(user, sessions.get(i))));
    assertThat(opened.stream().filter(b -> b)).hasSize(1);
    assertThat(presenceOf(registry(), user).online()).isTrue();

    List<Boolean> closed =
        values(race(8, sessions.size(), i -> registry().sessionClosed(user, sessions.get(i), at)));
    assertThat(closed.stream().filter(b -> b)).hasSize(1);
    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, false, at));
  }

  /**
   * Cross-node behaviour, run when {@link #createPeer(PresenceRegistry)} gives a peer: presence is
   * aggregated over both nodes, and a listener on one node hears of changes made on the other.
   */
  @TestFactory
  Stream<DynamicTest> acrossNodes() {
    Optional<PresenceRegistry> probe = createPeer(registry());
    if (probe.isEmpty()) {
      return Stream.empty();
    }
    created.add(probe.get());
    PresenceRegistry peer = probe.get();
    return Stream.of(
        dynamicTest("userIsOnlineWhileASessionIsOpenOnAnyNode", () -> onlineAcrossNodes(peer)),
        dynamicTest("listenerHearsOfChangesMadeOnAnotherNode", () -> listenerAcrossNodes(peer)));
  }

  private void onlineAcrossNodes(PresenceRegistry peer) {
    String user = uniqueId("u");
    String onA = uniqueId("s");
    String onB = uniqueId("s");
    Instant at = now();

    assertThat(await(registry().sessionOpened(user, onA))).isTrue();
    assertThat(presenceOf(peer, user).online()).isTrue();
    assertThat(await(peer.sessionOpened(user, onB))).isFalse();
    assertThat(await(registry().sessionClosed(user, onA, at.minusSeconds(1)))).isFalse();
    assertThat(presenceOf(registry(), user).online()).isTrue();
    assertThat(await(peer.sessionClosed(user, onB, at))).isTrue();

    assertThat(presenceOf(registry(), user)).isEqualTo(new Presence(user, false, at));
    assertThat(presenceOf(peer, user)).isEqualTo(new Presence(user, false, at));
  }

  private void listenerAcrossNodes(PresenceRegistry peer) {
    String user = uniqueId("u");
    String session = uniqueId("s");
    List<Presence> heard = new ArrayList<>();
    peer.addListener(
        new PresenceRegistry.Listener() {
          @Override
          public void onPresenceChanged(Presence p) {
            if (p.userId().equals(user)) {
              synchronized (heard) {
                heard.add(p);
              }
            }
          }
        });
    Instant at = now();

    await(registry().sessionOpened(user, session));
    eventually(
        "peer heard " + user + " come online",
        () -> snapshot(heard).stream().anyMatch(Presence::online));
    await(registry().sessionClosed(user, session, at));
    eventually(
        "peer heard " + user + " go offline",
        () -> {
          List<Presence> all = snapshot(heard);
          return !all.isEmpty() && !all.get(all.size() - 1).online();
        });

    Presence last = snapshot(heard).get(snapshot(heard).size() - 1);
    assertThat(last.lastSeenAt())
        .satisfiesAnyOf(t -> assertThat(t).isEmpty(), t -> assertThat(t).contains(at));
  }

  private static List<Presence> snapshot(List<Presence> list) {
    synchronized (list) {
      return List.copyOf(list);
    }
  }
}
