package dev.chatsdk.core;

import static dev.chatsdk.core.ChatEngineDeliveryTest.sleep;
import static dev.chatsdk.core.EngineFixture.WAIT;
import static dev.chatsdk.core.EngineFixture.eventually;
import static dev.chatsdk.core.EngineFixture.join;
import static dev.chatsdk.core.EngineFixture.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.api.port.PolicyDecision;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.core.EngineFixture.Client;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence, typing, policies, limits and token lifetime of sessions. */
class ChatEngineSessionTest {
  private final EngineFixture fx = new EngineFixture();

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void aUserIsOnlineWhileAnyTabIsOpenAndLastSeenIsRecordedAtTheLastClose() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    fx.direct("a", "b");
    Client b = fx.connect(engine, "b");
    Client a1 = fx.connect(engine, "a");
    Map<String, Object> online = b.await("presence");
    assertThat(online.get("userId")).isEqualTo("a");
    assertThat(online.get("online")).isEqualTo(true);
    Client a2 = fx.connect(engine, "a");
    assertThat(join(engine.presence(List.of("a"))).get("a").online()).isTrue();

    a1.session.onClosed();
    sleep(100);
    assertThat(b.frames("presence")).hasSize(1);
    assertThat(join(engine.presence(List.of("a"))).get("a").online()).isTrue();

    a2.session.close(CloseCodes.NORMAL, "bye");
    assertThat(a2.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.NORMAL);
    Map<String, Object> offline =
        b.await(f -> "presence".equals(f.get("type")) && Boolean.FALSE.equals(f.get("online")));
    assertThat(offline.get("lastSeen")).isNotNull();
    Presence p = join(engine.presence(List.of("a"))).get("a");
    assertThat(p.online()).isFalse();
    eventually(
        "last seen stored", () -> join(fx.users.findById("a")).map(User::lastSeenAt).isPresent());
  }

  @Test
  void presenceGoesOnlyToUsersWhoShareAConversation() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("friend");
    fx.user("stranger");
    fx.direct("a", "friend");
    Client friend = fx.connect(engine, "friend");
    Client stranger = fx.connect(engine, "stranger");
    fx.connect(engine, "a");
    assertThat(friend.await("presence").get("userId")).isEqualTo("a");
    sleep(100);
    assertThat(stranger.frames("presence")).isEmpty();
  }

  @Test
  void presenceFollowsMembershipChangesWhileConnected() {
    ChatEngine engine = fx.engine();
    fx.user("w");
    fx.user("y");
    fx.user("other");
    Client w = fx.connect(engine, "w");
    Conversation g = join(engine.createGroup(principal("w"), "later", List.of("other")));
    Client y = fx.connect(engine, "y");
    sleep(100);
    assertThat(w.frames("presence")).as("y shares nothing with w yet").isEmpty();

    join(engine.addMember(principal("w"), g.id(), "y"));
    y.session.close(CloseCodes.NORMAL, "bye");
    Map<String, Object> offline = w.await("presence");
    assertThat(offline.get("userId")).isEqualTo("y");
    assertThat(offline.get("online")).isEqualTo(false);

    Client y2 = fx.connect(engine, "y");
    assertThat(w.awaitCount("presence", 2).get(1).get("online")).isEqualTo(true);
    join(engine.removeMember(principal("w"), g.id(), "y"));
    y2.session.close(CloseCodes.NORMAL, "bye");
    sleep(200);
    assertThat(w.frames("presence")).as("y no longer shares the group").hasSize(2);
  }

  @Test
  void typingReachesOtherMembersAndExpiresByItself() {
    ChatEngine engine = fx.engine(b -> b.typingTimeout(Duration.ofMillis(200)));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client a2 = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");

    a.send("{\"type\":\"typing\",\"conversationId\":\"" + d.id() + "\",\"typing\":true}");
    Map<String, Object> on = b.await("typing");
    assertThat(on.get("userId")).isEqualTo("a");
    assertThat(on.get("typing")).isEqualTo(true);
    long started = System.nanoTime();
    Map<String, Object> off =
        b.await(f -> "typing".equals(f.get("type")) && Boolean.FALSE.equals(f.get("typing")));
    assertThat(off.get("userId")).isEqualTo("a");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WAIT);
    assertThat(a.frames("typing")).isEmpty();
    assertThat(a2.frames("typing")).isEmpty();
  }

  @Test
  void sendingAMessageClearsTyping() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    a.send("{\"type\":\"typing\",\"conversationId\":\"" + d.id() + "\",\"typing\":true}");
    b.await("typing");
    a.sendMessage(d.id(), "k", "done typing");
    Map<String, Object> off =
        b.await(f -> "typing".equals(f.get("type")) && Boolean.FALSE.equals(f.get("typing")));
    assertThat(off.get("conversationId")).isEqualTo(d.id());
  }

  @Test
  void theRateLimitRefusesBurstsWithRetryAfter() {
    ChatEngine engine = fx.engine(b -> b.rateLimit(1, 3));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    for (int i = 1; i <= 4; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    Map<String, Object> error = a.await("error");
    assertThat(error.get("code")).isEqualTo("rate_limited");
    assertThat(error.get("clientMsgId")).isEqualTo("k4");
    assertThat(error.get("retryable")).isEqualTo(true);
    assertThat((Long) error.get("retryAfterMs")).isBetween(1L, 1000L);
    assertThat(a.awaitCount("ack", 3)).hasSize(3);
  }

  @Test
  void slowModeAllowsOneMessagePerIntervalPerMember() {
    SlowMode slowMode = SlowMode.create();
    ChatEngine engine = fx.engine(b -> b.slowMode(slowMode));
    fx.user("a");
    fx.user("b");
    Conversation g = fx.group("a", "Slow", "b");
    slowMode.set(g.id(), Duration.ofSeconds(30));
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    a.sendMessage(g.id(), "k1", "first");
    a.await("ack");
    a.sendMessage(g.id(), "k2", "second");
    Map<String, Object> error = a.await("error");
    assertThat(error.get("code")).isEqualTo("slow_mode");
    assertThat((Long) error.get("retryAfterMs")).isBetween(1L, 30_000L);
    b.sendMessage(g.id(), "k3", "b may post");
    b.await("ack");
    slowMode.set(g.id(), Duration.ZERO);
    a.sendMessage(g.id(), "k4", "off again");
    assertThat(a.awaitCount("ack", 2).get(1).get("clientMsgId")).isEqualTo("k4");
  }

  @Test
  void hostPoliciesRewriteAndRejectInOrder() {
    ChatEngine engine =
        fx.engine(
            b ->
                b.addPolicy(d -> PolicyDecision.rewrite(d.body().replace("darn", "****")))
                    .addPolicy(
                        d ->
                            d.body().contains("spam")
                                ? PolicyDecision.reject("no spam please")
                                : PolicyDecision.accept()));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    a.sendMessage(d.id(), "k1", "darn it");
    assertThat(EngineFixture.at(b.await("message"), "message", "body")).isEqualTo("**** it");
    a.sendMessage(d.id(), "k2", "buy spam");
    Map<String, Object> error = a.await("error");
    assertThat(error.get("code")).isEqualTo("rejected");
    assertThat(error.get("message")).isEqualTo("no spam please");
  }

  @Test
  void aThrowingPolicyOrStoreBecomesAnErrorFrameAndTheSessionStaysOpen() {
    java.util.concurrent.atomic.AtomicBoolean storeThrows =
        new java.util.concurrent.atomic.AtomicBoolean();
    var store =
        ChatEngineDeliveryTest.decorate(
            fx.messages,
            (method, args) -> {
              if (method.equals("append") && storeThrows.get()) {
                throw new IllegalStateException("driver bug");
              }
              return null;
            });
    ChatEngine engine =
        fx.engine(
            b ->
                b.messageStore(store)
                    .addPolicy(
                        d -> {
                          if (d.body().equals("boom")) {
                            throw new IllegalStateException("policy bug");
                          }
                          return PolicyDecision.accept();
                        }));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    a.sendMessage(d.id(), "k1", "boom");
    Map<String, Object> policyError = a.await("error");
    assertThat(policyError.get("code")).isEqualTo("internal");
    assertThat(policyError.get("clientMsgId")).isEqualTo("k1");
    storeThrows.set(true);
    a.sendMessage(d.id(), "k2", "fine");
    Map<String, Object> storeError = a.awaitCount("error", 2).get(1);
    assertThat(storeError.get("code")).isEqualTo("unavailable");
    assertThat(storeError.get("retryable")).isEqualTo(true);
    storeThrows.set(false);
    a.sendMessage(d.id(), "k2", "fine");
    assertThat(a.await("ack").get("clientMsgId")).isEqualTo("k2");
    assertThat(a.conn.isClosed()).isFalse();
  }

  @Test
  void aSlowConsumerIsDisconnectedWithTryAgainLater() {
    BackedUp p = backedUpDirect();
    ChatEngine engine = p.engine();
    Client a = p.a();
    Client b = p.b();
    Conversation d = p.direct();
    for (int i = 0; i < 40; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    assertThat(b.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    assertThat(b.conn.closeReason()).hasValueSatisfying(r -> assertThat(r).contains("outbound"));
    assertThat(b.frames("message").size()).isLessThanOrEqualTo(16);
    eventually("b unregistered", () -> engine.sessionCount() == 1);
    assertThat(a.conn.isClosed()).isFalse();
  }

  @Test
  void aBackedUpSessionSkipsPresenceChangesAndGetsEachUsersStateOnceItDrains() {
    ChatEngine engine = fx.engine(b -> b.outboundQueueLimit(16));
    fx.user("watcher");
    String[] others = new String[40];
    for (int i = 0; i < others.length; i++) {
      others[i] = "u" + i;
      fx.user(others[i]);
    }
    fx.group("watcher", "everyone", others);
    Client watcher = fx.connect(engine, "watcher");
    watcher.conn.holdCallbacks(true);
    List<Client> clients = new java.util.ArrayList<>();
    for (String u : others) {
      clients.add(fx.connect(engine, u));
    }
    // every other user goes offline again: 60 presence changes for a queue of 16 frames
    for (int i = 0; i < clients.size(); i += 2) {
      clients.get(i).session.close(CloseCodes.NORMAL, "bye");
    }
    for (int i = 0; i < clients.size(); i += 2) {
      String who = others[i];
      eventually(who + " offline", () -> !join(engine.presence(List.of(who))).get(who).online());
    }
    sleep(100);
    assertThat(watcher.conn.isClosed()).as("closed as a slow consumer").isFalse();
    assertThat(watcher.conn.heldCallbackCount()).isLessThanOrEqualTo(16);

    // the connection drains a little at a time: each refresh stays within the queue
    eventually(
        "every user's presence as it is now",
        () -> {
          assertThat(watcher.conn.isClosed()).as("closed as a slow consumer").isFalse();
          assertThat(watcher.conn.heldCallbackCount()).isLessThanOrEqualTo(16);
          watcher.conn.releaseHeldCallbacks();
          Map<String, Boolean> last = lastPresence(watcher);
          for (int i = 0; i < others.length; i++) {
            if (!Boolean.valueOf(i % 2 == 1).equals(last.get(others[i]))) {
              return false;
            }
          }
          return true;
        });
    assertThat(watcher.conn.isClosed()).isFalse();
  }

  @Test
  void aFailedPresenceLookUpIsRetriedAfterAPauseNotOnEveryWrite() {
    AtomicBoolean failing = new AtomicBoolean();
    AtomicInteger lookUps = new AtomicInteger();
    PresenceRegistry registry =
        (PresenceRegistry)
            Proxy.newProxyInstance(
                PresenceRegistry.class.getClassLoader(),
                new Class<?>[] {PresenceRegistry.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("presence")) {
                    lookUps.incrementAndGet();
                    if (failing.get()) {
                      return CompletableFuture.failedFuture(
                          new StoreUnavailableException("presence: down"));
                    }
                  }
                  try {
                    return method.invoke(fx.presence, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    ChatEngine engine =
        fx.engine(
            b -> b.presenceRegistry(registry).outboundQueueLimit(16).rateLimit(10_000, 10_000));
    fx.user("watcher");
    String[] others = new String[10];
    for (int i = 0; i < others.length; i++) {
      others[i] = "u" + i;
      fx.user(others[i]);
    }
    Conversation g = fx.group("watcher", "everyone", others);
    Client watcher = fx.connect(engine, "watcher");
    watcher.conn.holdCallbacks(true);
    List<Client> clients = new java.util.ArrayList<>();
    for (String u : others) {
      clients.add(fx.connect(engine, u));
    }
    eventually("presence frames skipped", () -> watcher.conn.heldCallbackCount() >= 4);
    sleep(100);
    assertThat(lastPresence(watcher)).as("some were skipped").hasSizeLessThan(others.length);

    failing.set(true);
    int before = lookUps.get();
    watcher.conn.holdCallbacks(false);
    watcher.conn.releaseHeldCallbacks(); // drained: the look-up runs and fails
    eventually("the look-up ran", () -> lookUps.get() > before);
    for (int i = 0; i < 20; i++) {
      clients.get(1).sendMessage(g.id(), "k" + i, "m" + i); // writes complete meanwhile
    }
    watcher.awaitCount("message", 20);
    sleep(300);
    assertThat(lookUps.get() - before).as("no look-up on each completed write").isEqualTo(1);

    failing.set(false);
    eventually(
        "every user's presence after the pause",
        () -> {
          Map<String, Boolean> last = lastPresence(watcher);
          return java.util.Arrays.stream(others).allMatch(u -> Boolean.TRUE.equals(last.get(u)));
        });
  }

  @Test
  void typingIsSkippedForABackedUpSessionInsteadOfClosingIt() {
    BackedUp p = backedUpDirect();
    Client a = p.a();
    Client b = p.b();
    Conversation d = p.direct();
    for (int i = 0; i < 40; i++) {
      a.send(
          "{\"type\":\"typing\",\"conversationId\":\""
              + d.id()
              + "\",\"typing\":"
              + (i % 2 == 0)
              + "}");
    }
    a.send("{\"type\":\"ping\",\"ref\":\"p\"}");
    a.await("pong");
    sleep(100);
    assertThat(b.conn.isClosed()).isFalse();
    assertThat(b.conn.heldCallbackCount()).isLessThan(16);
    b.conn.holdCallbacks(false);
    b.conn.releaseHeldCallbacks();
    a.sendMessage(d.id(), "k1", "still here");
    assertThat(EngineFixture.at(b.await("message"), "message", "body")).isEqualTo("still here");
  }

  private record BackedUp(ChatEngine engine, Client a, Client b, Conversation direct) {}

  /**
   * Users a and b in a direct conversation on an engine with a 16-frame outbound queue, both
   * connected; b's connection completes no write until its callbacks are released.
   */
  private BackedUp backedUpDirect() {
    ChatEngine engine = fx.engine(b -> b.outboundQueueLimit(16).rateLimit(10_000, 10_000));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    b.conn.holdCallbacks(true);
    return new BackedUp(engine, a, b, d);
  }

  /** The last {@code online} value each user's presence frames carried, in arrival order. */
  private static Map<String, Boolean> lastPresence(Client c) {
    Map<String, Boolean> last = new java.util.HashMap<>();
    for (Map<String, Object> f : c.frames("presence")) {
      last.put((String) f.get("userId"), (Boolean) f.get("online"));
    }
    return last;
  }

  @Test
  void inBandAuthRefreshesTheTokenAndReauthIsAnnounced() {
    ChatEngine engine = fx.engine(b -> b.reauthLead(Duration.ofMillis(1500)));
    fx.user("a");
    Instant soon = Instant.now().plusMillis(2000);
    Client a = fx.connectNoWait(engine, new Principal("a", Set.of(), soon));
    a.await("hello");
    Map<String, Object> reauth = a.await("reauth");
    assertThat(reauth.get("expiresAt")).isNotNull();
    Instant later = Instant.now().plusSeconds(3600);
    a.send(
        "{\"type\":\"auth\",\"ref\":\"r1\",\"token\":\"" + EngineFixture.token("a", later) + "\"}");
    Map<String, Object> ok = a.await("authenticated");
    assertThat(ok.get("ref")).isEqualTo("r1");
    assertThat(a.session.principal().expiresAt())
        .isEqualTo(Instant.ofEpochMilli(later.toEpochMilli()));
    sleep(Math.max(0, Duration.between(Instant.now(), soon).toMillis()) + 300);
    assertThat(a.conn.isClosed()).isFalse();
  }

  @Test
  void anExpiredSessionIsClosedWith4001() {
    ChatEngine engine = fx.engine(b -> b.reauthLead(Duration.ofMillis(100)));
    fx.user("a");
    Client a =
        fx.connectNoWait(engine, new Principal("a", Set.of(), Instant.now().plusMillis(1500)));
    a.await("hello");
    a.send("{\"type\":\"auth\",\"ref\":\"bad\",\"token\":\"garbage\"}");
    Map<String, Object> error = a.await("error");
    assertThat(error.get("code")).isEqualTo("unauthenticated");
    assertThat(error.get("ref")).isEqualTo("bad");
    a.send(
        "{\"type\":\"auth\",\"ref\":\"other\",\"token\":\""
            + EngineFixture.token("mallory", Instant.now().plusSeconds(60))
            + "\"}");
    assertThat(a.awaitCount("error", 2).get(1).get("ref")).isEqualTo("other");
    assertThat(a.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
  }

  @Test
  void closeSessionsOfClosesEveryTabOfThatUser() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Client a1 = fx.connect(engine, "a");
    Client a2 = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    engine.closeSessionsOf("a", "logged out");
    assertThat(a1.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    assertThat(a2.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    assertThat(a1.conn.closeReason()).contains("logged out");
    assertThat(b.conn.isClosed()).isFalse();
  }

  @Test
  void aProfileUpdateReachesUsersWhoShareAConversation() {
    ChatEngine engine = fx.engine();
    User a = fx.user("a");
    fx.user("b");
    fx.user("stranger");
    fx.direct("a", "b");
    Client b = fx.connect(engine, "b");
    Client stranger = fx.connect(engine, "stranger");
    engine.userUpdated(a.withDisplayName("Alice Renamed"));
    Map<String, Object> update = b.await("user");
    assertThat(EngineFixture.at(update, "user", "displayName")).isEqualTo("Alice Renamed");
    sleep(50);
    assertThat(stranger.frames("user")).isEmpty();
  }

  @Test
  void anUnknownUserIsClosedInsteadOfGreeted() {
    ChatEngine engine = fx.engine();
    Client ghost = fx.connectNoWait(engine, principal("ghost"));
    assertThat(ghost.conn.awaitClose(WAIT)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    assertThat(ghost.frames("hello")).isEmpty();
  }
}
