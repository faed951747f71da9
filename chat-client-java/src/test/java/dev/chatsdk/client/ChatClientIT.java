package dev.chatsdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.core.auth.JwtTokenIssuer;
import dev.chatsdk.core.memory.InMemoryCredentialStore;
import dev.chatsdk.server.testing.TestServer;
import dev.chatsdk.server.testing.TestServer.TestUser;
import dev.chatsdk.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against the real Undertow server on a loopback port. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChatClientIT {
  private static final String SECRET = "client-it-secret-client-it-secret-0123456789";
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(Duration.ofMillis(50), Duration.ofMillis(500), 2.0, 0.5);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static TestServer server;

  @BeforeAll
  static void up() {
    // a short heartbeat: the client pings every second, so every test also checks that healthy
    // connections are never mistaken for dead ones
    server =
        TestServer.builder()
            .inMemory()
            .configure(b -> b.jwtSecret(SECRET).heartbeatInterval(Duration.ofSeconds(1)))
            .start();
  }

  @AfterAll
  static void down() {
    if (server != null) {
      server.close();
    }
  }

  private static String name(String prefix) {
    return prefix + NAMES.incrementAndGet();
  }

  private static ChatClient client(URI base, TestUser user, ChatListener listener) {
    return ChatClient.builder()
        .baseUri(base)
        .credentials(user.username(), user.password())
        .reconnectPolicy(FAST)
        .listener(listener)
        .build();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String direct(URI base, TestUser from, TestUser to) throws Exception {
    try (ChatApi api = ChatApi.create(base, TokenProvider.of(from.token()))) {
      Conversation c = await(api.createDirect(to.id()));
      return c.id();
    }
  }

  /** A bot that answers every new message of {@code peerId} with "echo " + its body. */
  private static ChatClient echoBot(
      URI base, TestUser bot, String peerId, Recorder recorder, List<CompletionStage<?>> sends) {
    AtomicReference<ChatClient> self = new AtomicReference<>();
    ChatListener listener =
        new ChatListener() {
          @Override
          public void onMessage(Message m) {
            recorder.onMessage(m);
            if (m.senderId().equals(peerId) && m.seq() == m.modSeq()) {
              sends.add(self.get().send(m.conversationId(), "echo " + m.body()));
            }
          }

          @Override
          public void onStateChanged(ConnectionState previous, ConnectionState current) {
            recorder.onStateChanged(previous, current);
          }
        };
    ChatClient client = client(base, bot, listener);
    self.set(client);
    return client;
  }

  private static List<Message> storedHistory(URI base, TestUser user, String conversationId)
      throws Exception {
    List<Message> all = new ArrayList<>();
    try (ChatApi api = ChatApi.create(base, TokenProvider.of(user.token()))) {
      long after = 0;
      while (true) {
        List<Message> page = await(api.history(conversationId, HistoryQuery.after(after, 200)));
        all.addAll(page);
        if (page.size() < 200) {
          return all;
        }
        after = page.get(page.size() - 1).seq();
      }
    }
  }

  private static void allComplete(List<? extends CompletionStage<?>> sends) throws Exception {
    CompletableFuture.allOf(
            sends.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void botAndUserExchangeAThousandMessagesEachSeenOnceInOrder() throws Exception {
    URI base = server.baseUri();
    TestUser alice = server.signup(name("alice"));
    TestUser bot = server.signup(name("bot"));
    String conv = direct(base, alice, bot);
    Recorder aliceSeen = new Recorder();
    Recorder botSeen = new Recorder();
    List<CompletionStage<?>> botSends = new CopyOnWriteArrayList<>();
    List<CompletionStage<SentMessage>> aliceSends = new ArrayList<>();
    AtomicLong published = new AtomicLong();
    try (ChatClient botClient = echoBot(base, bot, alice.id(), botSeen, botSends);
        ChatClient aliceClient = client(base, alice, aliceSeen)) {
      aliceClient
          .messages()
          .subscribe(
              new Flow.Subscriber<Message>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Message item) {
                  published.incrementAndGet();
                }

                @Override
                public void onError(Throwable throwable) {}

                @Override
                public void onComplete() {}
              });
      assertThat(await(botClient.connect()).id()).isEqualTo(bot.id());
      assertThat(await(aliceClient.connect()).id()).isEqualTo(alice.id());

      // 500 from the user and 500 answers: 1,000 messages; the server's default per-session
      // rate limit (20/s, bursts of 40) sets the pace, and refused sends are retried in order
      List<String> bodies = IntStream.range(0, 500).mapToObj(i -> "m" + i).toList();
      for (String body : bodies) {
        aliceSends.add(aliceClient.send(conv, body));
      }
      allComplete(aliceSends);
      aliceSeen.awaitCount(conv, 1000, 60);
      botSeen.awaitCount(conv, 1000, 30);
      allComplete(botSends);

      List<String> expected = new ArrayList<>(bodies);
      bodies.forEach(b -> expected.add("echo " + b));
      aliceSeen.assertExactlyOnceInOrder(conv, expected);
      botSeen.assertExactlyOnceInOrder(conv, expected);
      assertThat(botSends).hasSize(500);
      // alice's own messages reach her in the order she sent them
      assertThat(
              aliceSeen.in(conv).stream()
                  .filter(m -> m.senderId().equals(alice.id()))
                  .map(Message::body)
                  .toList())
          .containsExactlyElementsOf(bodies);
      Recorder.await(() -> published.get() == 1000, 10, () -> "published " + published.get());
    }
  }

  @Test
  void serverKilledMidStreamAndRestartedLosesAndDuplicatesNothing() throws Exception {
    // a near-zero shutdown budget: the server goes down without waiting for its clients
    try (TestServer durable =
            TestServer.builder()
                .configure(b -> b.jwtSecret(SECRET).shutdownTimeout(Duration.ofMillis(200)))
                .start();
        TcpProxy proxy = new TcpProxy(durable::port)) {
      URI base = proxy.baseUri();
      TestUser alice = durable.signup(name("alice"));
      TestUser bot = durable.signup(name("bot"));
      String conv = direct(durable.baseUri(), alice, bot);
      Recorder aliceSeen = new Recorder();
      Recorder botSeen = new Recorder();
      List<CompletionStage<?>> botSends = new CopyOnWriteArrayList<>();
      List<CompletionStage<SentMessage>> aliceSends = new ArrayList<>();
      List<String> bodies = IntStream.range(0, 80).mapToObj(i -> "k" + i).toList();
      try (ChatClient botClient = echoBot(base, bot, alice.id(), botSeen, botSends);
          ChatClient aliceClient = client(base, alice, aliceSeen)) {
        await(botClient.connect());
        await(aliceClient.connect());
        CompletableFuture<Void> restarted = null;
        for (int i = 0; i < bodies.size(); i++) {
          if (i == 30) {
            // the network dies under both clients, then the server goes down and comes back
            proxy.dropAll();
            restarted = CompletableFuture.runAsync(durable::restart);
          }
          aliceSends.add(aliceClient.send(conv, bodies.get(i)));
          Thread.sleep(20);
        }
        restarted.get(60, TimeUnit.SECONDS);
        allComplete(aliceSends);
        aliceSeen.awaitCount(conv, 160, 60);
        botSeen.awaitCount(conv, 160, 30);
        allComplete(botSends);

        List<String> expected = new ArrayList<>(bodies);
        bodies.forEach(b -> expected.add("echo " + b));
        aliceSeen.assertExactlyOnceInOrder(conv, expected);
        botSeen.assertExactlyOnceInOrder(conv, expected);
        assertThat(
                aliceSeen.in(conv).stream()
                    .filter(m -> m.senderId().equals(alice.id()))
                    .map(Message::body)
                    .toList())
            .containsExactlyElementsOf(bodies);
        assertThat(aliceSeen.states).contains(ConnectionState.DISCONNECTED);
        assertThat(aliceClient.state()).isEqualTo(ConnectionState.CONNECTED);
      }
      List<Message> stored = storedHistory(durable.baseUri(), alice, conv);
      assertThat(stored.stream().map(Message::body).toList())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 80)
                  .boxed()
                  .flatMap(i -> java.util.stream.Stream.of("k" + i, "echo k" + i))
                  .toList());
    }
  }

  @Test
  void droppedConnectionWithSendsOutstandingIsResentAndStoredOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server::port)) {
      URI base = proxy.baseUri();
      TestUser alice = server.signup(name("alice"));
      TestUser bob = server.signup(name("bob"));
      String conv = direct(server.baseUri(), alice, bob);
      Recorder aliceSeen = new Recorder();
      List<CompletionStage<SentMessage>> sends = new ArrayList<>();
      List<String> bodies = IntStream.range(0, 120).mapToObj(i -> "d" + i).toList();
      try (ChatClient aliceClient = client(base, alice, aliceSeen)) {
        await(aliceClient.connect());
        for (String body : bodies) {
          sends.add(aliceClient.send(conv, body));
        }
        // cut the connection twice while sends are outstanding: written, maybe stored, not acked
        Recorder.await(
            () -> aliceSeen.acks.size() >= 30, 30, () -> "acks " + aliceSeen.acks.size());
        proxy.dropAll();
        Recorder.await(
            () -> aliceSeen.acks.size() >= 80, 30, () -> "acks " + aliceSeen.acks.size());
        proxy.dropAll();
        allComplete(sends);
        aliceSeen.awaitCount(conv, 120, 30);
        aliceSeen.assertExactlyOnceInOrder(conv, bodies);
        assertThat(aliceSeen.in(conv).stream().map(Message::body).toList())
            .as("stored in the order send was called")
            .containsExactlyElementsOf(bodies);
        assertThat(proxy.accepted()).as("WebSocket and REST connections").isGreaterThanOrEqualTo(3);
        assertThat(aliceSeen.acks).hasSize(120);
      }
      List<Message> stored = storedHistory(server.baseUri(), alice, conv);
      assertThat(stored.stream().map(Message::body).toList())
          .containsExactlyInAnyOrderElementsOf(bodies);
      Set<String> ids =
          sends.stream()
              .map(s -> s.toCompletableFuture().join().clientMsgId())
              .collect(Collectors.toSet());
      assertThat(stored.stream().map(Message::clientMsgId).collect(Collectors.toSet()))
          .isEqualTo(ids);
    }
  }

  @Test
  void expiringTokenIsRefreshedInBandAndTheSessionContinues() throws Exception {
    TestUser alice = server.signup(name("alice"));
    TestUser bob = server.signup(name("bob"));
    String conv = direct(server.baseUri(), alice, bob);
    InMemoryCredentialStore generations = new InMemoryCredentialStore();
    await(generations.save(new Credentials(alice.id(), "unused", 0)));
    JwtTokenIssuer shortLived =
        JwtTokenIssuer.builder()
            .hmacSecret(SECRET.getBytes(StandardCharsets.UTF_8))
            .credentialStore(generations)
            .ttl(Duration.ofSeconds(3))
            .build();
    AtomicInteger refreshes = new AtomicInteger();
    TokenProvider tokens =
        refresh -> {
          if (refresh) {
            refreshes.incrementAndGet();
          }
          return shortLived.issue(alice.id()).thenApply(JwtTokenIssuer.IssuedToken::token);
        };
    Recorder seen = new Recorder();
    try (ChatClient client =
        ChatClient.builder()
            .baseUri(server.baseUri())
            .tokenProvider(tokens)
            .reconnectPolicy(FAST)
            .listener(seen)
            .build()) {
      await(client.connect());
      List<String> bodies = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
      for (int i = 0; System.nanoTime() < end; i++) {
        String body = "t" + i;
        bodies.add(body);
        await(client.send(conv, body));
        Thread.sleep(200);
      }
      seen.awaitCount(conv, bodies.size(), 10);
      seen.assertExactlyOnceInOrder(conv, bodies);
      assertThat(refreshes.get()).isGreaterThanOrEqualTo(2);
      assertThat(seen.states)
          .as("one connection for the whole session")
          .containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
    }
  }

  @Test
  void closeLeavesNoLiveThreads() throws Exception {
    TestUser alice = server.signup(name("alice"));
    TestUser bob = server.signup(name("bob"));
    String conv = direct(server.baseUri(), alice, bob);
    Set<Thread> before = Threads.snapshot();
    Recorder seen = new Recorder();
    ChatClient client = client(server.baseUri(), alice, seen);
    await(client.connect());
    await(client.send(conv, "bye"));
    seen.awaitCount(conv, 1, 10);
    client.close();
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(Threads.leftOver(before, 10_000, Threads::isServerThread)).isEmpty();
  }

  @Test
  void silentConnectionIsDetectedByTheHeartbeatAndReplaced() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server::port)) {
      TestUser alice = server.signup(name("alice"));
      TestUser bob = server.signup(name("bob"));
      String conv = direct(server.baseUri(), alice, bob);
      Recorder seen = new Recorder();
      try (ChatClient client = client(proxy.baseUri(), alice, seen)) {
        await(client.connect());
        proxy.silenceAll(); // no close, no reset: the bytes just stop
        long start = System.nanoTime();
        SentMessage sent = await(client.send(conv, "are you there?"));
        assertThat(sent.seq()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(seen.states).contains(ConnectionState.DISCONNECTED);
        seen.awaitCount(conv, 1, 10);
      }
    }
  }

  @Test
  void restHelpersSignUpLogInFindUsersAndManageConversations() throws Exception {
    String carol = name("carol");
    String dave = name("dave");
    try (ChatApi anonymous = ChatApi.create(server.baseUri())) {
      AuthSession signedUp = await(anonymous.signup(carol, "carol-password-1", "Carol C."));
      assertThat(signedUp.user().displayName()).isEqualTo("Carol C.");
      String daveId = await(anonymous.signup(dave, "dave-password-1", dave)).user().id();
      AuthSession loggedIn = await(anonymous.login(carol, "carol-password-1"));
      assertThat(loggedIn.user().id()).isEqualTo(signedUp.user().id());
      ChatException refused =
          (ChatException)
              org.assertj.core.api.Assertions.catchThrowable(
                      () -> await(anonymous.login(carol, "wrong-password")))
                  .getCause();
      assertThat(refused.code()).isEqualTo(dev.chatsdk.api.ErrorCode.UNAUTHENTICATED);

      try (ChatApi api = ChatApi.create(server.baseUri(), TokenProvider.of(loggedIn.token()))) {
        assertThat(await(api.users(dave)))
            .extracting(dev.chatsdk.api.User::id)
            .containsExactly(daveId);
        Conversation group = await(api.createGroup("Planning", List.of(daveId)));
        assertThat(group.memberIds()).containsExactlyInAnyOrder(signedUp.user().id(), daveId);
        assertThat(await(api.conversations()))
            .extracting(summary -> summary.conversation().id())
            .contains(group.id());
        try (ChatClient client =
            ChatClient.builder()
                .baseUri(server.baseUri())
                .credentials(carol, "carol-password-1")
                .build()) {
          await(client.connect());
          long seq = await(client.send(group.id(), "agenda?")).seq();
          await(api.markRead(group.id(), seq));
          assertThat(await(api.history(group.id(), HistoryQuery.latest(10))))
              .extracting(Message::body)
              .containsExactly("agenda?");
        }
      }
    }
  }

  @Test
  void restHelpersManageAGroupsMembersRolesAndTitle() throws Exception {
    String erin = name("erin");
    String frank = name("frank");
    String grace = name("grace");
    try (ChatApi anonymous = ChatApi.create(server.baseUri())) {
      AuthSession e = await(anonymous.signup(erin, "erin-password-1", erin));
      AuthSession f = await(anonymous.signup(frank, "frank-password-1", frank));
      String graceId = await(anonymous.signup(grace, "grace-password-1", grace)).user().id();
      String frankId = f.user().id();
      try (ChatApi asErin = ChatApi.create(server.baseUri(), TokenProvider.of(e.token()));
          ChatApi asFrank = ChatApi.create(server.baseUri(), TokenProvider.of(f.token()))) {
        Conversation group = await(asErin.createGroup("Ops", List.of(frankId)));

        Conversation withGrace = await(asErin.addMember(group.id(), graceId));
        assertThat(withGrace.memberIds()).containsExactly(e.user().id(), frankId, graceId);
        ChatException forbidden =
            (ChatException)
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> await(asFrank.rename(group.id(), "Frank's")))
                    .getCause();
        assertThat(forbidden.code()).isEqualTo(dev.chatsdk.api.ErrorCode.FORBIDDEN);

        Conversation promoted =
            await(asErin.setMemberRole(group.id(), frankId, dev.chatsdk.api.MemberRole.ADMIN));
        assertThat(promoted.isAdmin(frankId)).isTrue();
        assertThat(await(asFrank.rename(group.id(), "Ops 2")).title()).isEqualTo("Ops 2");
        assertThat(await(asFrank.removeMember(group.id(), graceId)).memberIds())
            .containsExactly(e.user().id(), frankId);

        await(asFrank.setMemberRole(group.id(), frankId, dev.chatsdk.api.MemberRole.MEMBER));
        ChatException lastAdmin =
            (ChatException)
                org.assertj.core.api.Assertions.catchThrowable(
                        () ->
                            await(
                                asErin.setMemberRole(
                                    group.id(), e.user().id(), dev.chatsdk.api.MemberRole.MEMBER)))
                    .getCause();
        assertThat(lastAdmin.code()).isEqualTo(dev.chatsdk.api.ErrorCode.CONFLICT);

        await(asErin.leave(group.id()));
        assertThat(await(asFrank.conversations()))
            .filteredOn(summary -> summary.conversation().id().equals(group.id()))
            .singleElement()
            .satisfies(
                summary -> {
                  assertThat(summary.conversation().memberIds()).containsExactly(frankId);
                  assertThat(summary.conversation().isAdmin(frankId)).isTrue();
                });
      }
    }
  }
}
