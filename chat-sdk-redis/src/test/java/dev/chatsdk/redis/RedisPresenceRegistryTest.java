package dev.chatsdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisPresenceRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(300);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String uri;
  private String prefix;

  @BeforeEach
  void setUp() {
    uri = RedisTestSupport.sharedRedisUri();
    prefix = RedisTestSupport.uniquePrefix();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    RedisTestSupport.deleteKeys(uri, prefix);
  }

  private RedisPresenceRegistry node(String nodeId) {
    RedisPresenceRegistry registry =
        RedisPresenceRegistry.builder()
            .redisUri(uri)
            .keyPrefix(prefix)
            .nodeId(nodeId)
            .leaseTtl(Duration.ofSeconds(10))
            .heartbeatInterval(Duration.ofSeconds(1))
            .build();
    closeables.add(registry);
    return registry;
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Presence presenceOf(PresenceRegistry registry, String user) throws Exception {
    return get(registry.presence(List.of(user))).get(user);
  }

  @Test
  void firstSessionTakesUserOnlineAndLaterSessionsDoNot() throws Exception {
    RedisPresenceRegistry a = node("a");
    assertThat(get(a.sessionOpened("alice", "s1"))).isTrue();
    assertThat(get(a.sessionOpened("alice", "s2"))).isFalse();
    assertThat(get(a.sessionOpened("alice", "s1"))).as("reopening is idempotent").isFalse();
    assertThat(presenceOf(a, "alice")).isEqualTo(new Presence("alice", true, null));
  }

  @Test
  void closingTheLastSessionTakesUserOfflineWithLastSeen() throws Exception {
    RedisPresenceRegistry a = node("a");
    get(a.sessionOpened("bob", "s1"));
    get(a.sessionOpened("bob", "s2"));
    Instant at = Instant.parse("2026-01-02T03:04:05.678Z");

    assertThat(get(a.sessionClosed("bob", "s1", at.minusSeconds(5)))).isFalse();
    assertThat(get(a.sessionClosed("bob", "s2", at))).isTrue();
    assertThat(get(a.sessionClosed("bob", "s2", at))).as("closing again").isFalse();
    assertThat(presenceOf(a, "bob")).isEqualTo(new Presence("bob", false, at));

    assertThat(get(a.sessionOpened("bob", "s3"))).isTrue();
    assertThat(presenceOf(a, "bob")).isEqualTo(new Presence("bob", true, null));
  }

  @Test
  void unknownUsersAreOfflineWithoutLastSeenAndResultKeepsRequestOrder() throws Exception {
    RedisPresenceRegistry a = node("a");
    get(a.sessionOpened("carol", "s1"));
    Map<String, Presence> presence = get(a.presence(List.of("zed", "carol", "zed", "amy")));
    assertThat(presence.keySet()).containsExactly("zed", "carol", "amy");
    assertThat(presence.get("zed")).isEqualTo(new Presence("zed", false, null));
    assertThat(presence.get("carol").online()).isTrue();
    assertThat(get(a.presence(List.of()))).isEmpty();
  }

  @Test
  void userWithSessionsOnTwoNodesStaysOnlineWhileEitherRemains() throws Exception {
    RedisPresenceRegistry a = node("a");
    RedisPresenceRegistry b = node("b");
    assertThat(get(a.sessionOpened("dave", "a1"))).isTrue();
    assertThat(get(b.sessionOpened("dave", "b1"))).isFalse();

    assertThat(get(a.sessionClosed("dave", "a1", Instant.now()))).isFalse();
    assertThat(presenceOf(b, "dave").online()).isTrue();
    assertThat(presenceOf(a, "dave").online()).isTrue();

    assertThat(get(b.sessionClosed("dave", "b1", Instant.now()))).isTrue();
    assertThat(presenceOf(a, "dave").online()).isFalse();
  }

  @Test
  void concurrentFirstSessionsOnTwoNodesReportExactlyOneTransition() throws Exception {
    RedisPresenceRegistry a = node("a");
    RedisPresenceRegistry b = node("b");
    for (int round = 0; round < 20; round++) {
      String user = "eve" + round;
      CompletableFuture<Boolean> onA = a.sessionOpened(user, "a").toCompletableFuture();
      CompletableFuture<Boolean> onB = b.sessionOpened(user, "b").toCompletableFuture();
      assertThat(List.of(get(onA), get(onB))).containsExactlyInAnyOrder(true, false);
      Instant now = Instant.now();
      CompletableFuture<Boolean> offA = a.sessionClosed(user, "a", now).toCompletableFuture();
      CompletableFuture<Boolean> offB = b.sessionClosed(user, "b", now).toCompletableFuture();
      assertThat(List.of(get(offA), get(offB))).containsExactlyInAnyOrder(true, false);
    }
  }

  @Test
  void listenersOnEveryNodeHearEveryTransition() throws Exception {
    RedisPresenceRegistry a = node("a");
    RedisPresenceRegistry b = node("b");
    RecordingPresenceListener onA = new RecordingPresenceListener();
    RecordingPresenceListener onB = new RecordingPresenceListener();
    a.addListener(onA);
    b.addListener(onB);

    get(a.sessionOpened("frank", "s1"));
    get(b.sessionOpened("frank", "s2"));
    Presence online = new Presence("frank", true, null);
    assertThat(onA.next(WAIT)).isEqualTo(online);
    assertThat(onB.next(WAIT)).isEqualTo(online);

    Instant at = Instant.parse("2026-03-04T05:06:07.089Z");
    get(a.sessionClosed("frank", "s1", at.minusSeconds(1)));
    get(b.sessionClosed("frank", "s2", at));
    Presence offline = new Presence("frank", false, at);
    assertThat(onA.next(WAIT)).isEqualTo(offline);
    assertThat(onB.next(WAIT)).isEqualTo(offline);

    assertThat(onA.next(QUIET)).as("no event without a transition").isNull();
    assertThat(onB.next(QUIET)).isNull();
  }

  @Test
  void closingANodeReleasesItsSessionsAndOtherNodesHearOfIt() throws Exception {
    RedisPresenceRegistry a = node("a");
    RedisPresenceRegistry b = node("b");
    RecordingPresenceListener onB = new RecordingPresenceListener();
    b.addListener(onB);
    get(a.sessionOpened("gina", "a1"));
    get(a.sessionOpened("hank", "a2"));
    get(b.sessionOpened("hank", "b1"));
    assertThat(onB.next(WAIT)).isEqualTo(new Presence("gina", true, null));
    assertThat(onB.next(WAIT)).isEqualTo(new Presence("hank", true, null));

    a.close();

    Presence gina = onB.next(WAIT);
    assertThat(gina).isNotNull();
    assertThat(gina.online()).isFalse();
    assertThat(gina.lastSeen()).isNotNull();
    assertThat(presenceOf(b, "gina").online()).isFalse();
    assertThat(presenceOf(b, "hank").online()).as("still has a session on b").isTrue();
    assertThat(onB.next(QUIET)).isNull();
    assertThat(a.sessionOpened("gina", "a3").toCompletableFuture())
        .failsWithin(WAIT)
        .withThrowableThat()
        .withCauseInstanceOf(StoreUnavailableException.class)
        .withMessageContaining("closed");
  }

  @Test
  void invalidArgumentsAreRejectedWithTheValueAndTheExpectation() {
    RedisPresenceRegistry a = node("a");
    assertThatThrownBy(() -> a.sessionOpened("", "s"))
        .isInstanceOf(ChatException.class)
        .hasMessage("userId: length 0 (expected: 1..128)");
    assertThatThrownBy(() -> a.sessionOpened("u", "s".repeat(129)))
        .hasMessage("sessionId: length 129 (expected: 1..128)");
    assertThatThrownBy(() -> a.sessionClosed("u", "s", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("at");
    assertThatThrownBy(
            () ->
                RedisPresenceRegistry.builder()
                    .redisUri(uri)
                    .leaseTtl(Duration.ofSeconds(4))
                    .heartbeatInterval(Duration.ofSeconds(3))
                    .build())
        .isInstanceOf(ChatException.class)
        .hasMessage("heartbeatInterval: PT3S (expected: at most half of leaseTtl PT4S)");
  }
}
