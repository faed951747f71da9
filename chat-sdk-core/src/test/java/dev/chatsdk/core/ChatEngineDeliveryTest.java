package dev.chatsdk.core;

import static dev.chatsdk.core.EngineFixture.at;
import static dev.chatsdk.core.EngineFixture.eventually;
import static dev.chatsdk.core.EngineFixture.failure;
import static dev.chatsdk.core.EngineFixture.join;
import static dev.chatsdk.core.EngineFixture.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.core.EngineFixture.Client;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatEngineDeliveryTest {
  private final EngineFixture fx = new EngineFixture();

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void fanOutReachesEverySessionOfEveryMember() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    fx.user("c");
    fx.user("outsider");
    Conversation g = fx.group("a", "Team", "b", "c");
    Client a1 = fx.connect(engine, "a");
    Client a2 = fx.connect(engine, "a");
    Client b1 = fx.connect(engine, "b");
    Client b2 = fx.connect(engine, "b");
    Client c1 = fx.connect(engine, "c");
    Client out = fx.connect(engine, "outsider");

    a1.sendMessage(g.id(), "m1", "hello all");

    Map<String, Object> ack = a1.await("ack");
    assertThat(ack.get("ref")).isEqualTo("m1");
    assertThat(ack.get("duplicate")).isEqualTo(false);
    assertThat(ack.get("seq")).isEqualTo(1L);
    for (Client c : List.of(a1, a2, b1, b2, c1)) {
      Map<String, Object> msg = c.await("message");
      assertThat(at(msg, "message", "body")).isEqualTo("hello all");
      assertThat(at(msg, "message", "senderId")).isEqualTo("a");
    }
    assertThat(engine.sessionCount()).isEqualTo(6);
    sleep(100);
    assertThat(out.frames("message")).isEmpty();
  }

  @Test
  void helloListsConversationsWithExactUnreadCountsAndLastMessage() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    for (int i = 1; i <= 3; i++) {
      join(engine.send(principal("a"), d.id(), "k" + i, "msg " + i));
    }
    join(engine.send(principal("b"), d.id(), "own", "mine"));
    join(engine.markRead(principal("b"), d.id(), 1));

    Client b = fx.connect(engine, "b");
    Map<String, Object> hello = b.await("hello");
    assertThat(at(hello, "user", "id")).isEqualTo("b");
    assertThat(hello.get("heartbeatMs")).isEqualTo(25_000L);
    assertThat(hello.get("tokenExpiresAt")).isNotNull();
    List<?> convs = (List<?>) hello.get("conversations");
    assertThat(convs).hasSize(1);
    assertThat(at(convs.get(0), "conversation", "id")).isEqualTo(d.id());
    assertThat(at(convs.get(0), "lastSeq")).isEqualTo(4L);
    assertThat(at(convs.get(0), "readSeq")).isEqualTo(1L);
    assertThat(at(convs.get(0), "unread")).isEqualTo(2L);
    assertThat(at(convs.get(0), "lastMessage", "body")).isEqualTo("mine");

    ConversationSummary s = join(engine.conversation(principal("b"), d.id()));
    assertThat(s.unread()).isEqualTo(2);
    assertThat(join(engine.conversations(principal("a")))).hasSize(1);
  }

  @Test
  void duplicateClientMsgIdIsAckedAsDuplicateAndNotFannedOutAgain() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");

    a.sendMessage(d.id(), "same", "once");
    a.await("ack");
    b.await("message");
    a.sendMessage(d.id(), "same", "once");
    List<Map<String, Object>> acks = a.awaitCount("ack", 2);
    assertThat(acks.get(1).get("duplicate")).isEqualTo(true);
    assertThat(acks.get(1).get("id")).isEqualTo(acks.get(0).get("id"));
    assertThat(acks.get(1).get("seq")).isEqualTo(acks.get(0).get("seq"));

    AppendResult rest = join(engine.send(principal("a"), d.id(), "same", "once"));
    assertThat(rest.duplicate()).isTrue();
    sleep(100);
    assertThat(b.frames("message")).hasSize(1);
    assertThat(join(engine.history(principal("b"), d.id(), HistoryQuery.latest(50)))).hasSize(1);
  }

  @Test
  void aFailingStoreGivesARetryableErrorAndNoAck() {
    AtomicBoolean failing = new AtomicBoolean(true);
    MessageStore store = failingAppends(fx.messages, failing);
    ChatEngine engine = fx.engine(b -> b.messageStore(store));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");

    a.sendMessage(d.id(), "k1", "lost?");
    Map<String, Object> error = a.await("error");
    assertThat(error.get("code")).isEqualTo("unavailable");
    assertThat(error.get("retryable")).isEqualTo(true);
    assertThat(error.get("clientMsgId")).isEqualTo("k1");
    assertThat(error.get("ref")).isEqualTo("k1");
    ChatException rest = failure(engine.send(principal("a"), d.id(), "k2", "rest"));
    assertThat(rest.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    sleep(100);
    assertThat(a.frames("ack")).isEmpty();
    assertThat(b.frames("message")).isEmpty();

    failing.set(false);
    a.sendMessage(d.id(), "k1", "lost?");
    assertThat(a.await("ack").get("duplicate")).isEqualTo(false);
    assertThat(at(b.await("message"), "message", "body")).isEqualTo("lost?");
  }

  @Test
  void messagesArriveInCounterOrderEvenWhenAppendsCompleteOutOfOrder() {
    CountDownLatch release = new CountDownLatch(1);
    ChatEngine engine = engineWithSlowFirstAppend(release);
    Conversation d = fx.direct("a", "b");
    // two tabs of the same user: their sends are independent, so the second can finish first
    Client a = fx.connect(engine, "a");
    Client otherTab = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");

    a.sendMessage(d.id(), "slow", "first");
    otherTab.sendMessage(d.id(), "fast", "second");
    Map<String, Object> ack = otherTab.await("ack");
    assertThat(ack.get("clientMsgId")).isEqualTo("fast");
    sleep(50);
    assertThat(b.frames("message")).isEmpty();
    release.countDown();
    b.awaitCount("message", 2);
    assertThat(b.bodies(d.id())).containsExactly("first", "second");
    assertThat(b.counters(d.id())).containsExactly(1L, 2L);
  }

  @Test
  void oneConnectionsPipelinedSendsAreStoredAndAckedInArrivalOrder() {
    CountDownLatch release = new CountDownLatch(1);
    ChatEngine engine = engineWithSlowFirstAppend(release);
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");

    a.sendMessage(d.id(), "k1", "first");
    a.sendMessage(d.id(), "k2", "second");
    a.sendMessage(d.id(), "k3", "third");
    sleep(50);
    // the second send waits for the first: nothing is stored or acknowledged out of order
    assertThat(a.frames("ack")).isEmpty();
    assertThat(b.frames("message")).isEmpty();
    release.countDown();
    a.awaitCount("ack", 3);
    assertThat(a.frames("ack").stream().map(f -> f.get("clientMsgId")))
        .containsExactly("k1", "k2", "k3");
    b.awaitCount("message", 3);
    assertThat(b.bodies(d.id())).containsExactly("first", "second", "third");
    assertThat(b.counters(d.id())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void concurrentSendersAreDeliveredInCounterOrderToEveryConnection() throws Exception {
    ChatEngine engine = fx.engine(b -> b.rateLimit(10_000, 10_000));
    List<String> ids = List.of("a", "b", "c", "d");
    for (String id : ids) {
      fx.user(id);
    }
    Conversation g = fx.group("a", "Load", "b", "c", "d");
    List<Client> clients = new ArrayList<>();
    for (String id : ids) {
      clients.add(fx.connect(engine, id));
      clients.add(fx.connect(engine, id));
    }
    int perSender = 50;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < ids.size(); t++) {
      Client sender = clients.get(t * 2);
      String id = ids.get(t);
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perSender; i++) {
                  sender.sendMessage(g.id(), id + "-" + i, "from " + id + " #" + i);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(5000);
    }
    int total = perSender * ids.size();
    for (Client c : clients) {
      c.awaitCount("message", total);
      List<Long> counters = c.counters(g.id());
      assertThat(counters).hasSize(total);
      assertThat(counters).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void resumeAfterDisconnectReplaysWhatWasMissedWithoutLossOrDuplicates() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    for (int i = 1; i <= 3; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    b.awaitCount("message", 3);
    long cursor = b.counters(d.id()).get(2);
    b.session.onClosed();
    eventually("b disconnected", () -> engine.sessionCount() == 1);

    for (int i = 4; i <= 6; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    a.awaitCount("ack", 6);

    Client b2 = fx.connect(engine, "b");
    b2.send("{\"type\":\"sync\",\"ref\":\"s1\",\"cursors\":{\"" + d.id() + "\":" + cursor + "}}");
    Map<String, Object> synced = b2.await("synced");
    assertThat(synced.get("ref")).isEqualTo("s1");
    assertThat(at(synced, "cursors", d.id())).isEqualTo(6L);
    a.sendMessage(d.id(), "k7", "m7");
    b2.awaitCount("message", 4);
    sleep(100);
    assertThat(b2.bodies(d.id())).containsExactly("m4", "m5", "m6", "m7");
    assertThat(b2.counters(d.id())).containsExactly(4L, 5L, 6L, 7L);
  }

  /** An engine on a store that can hold a write in flight, with users a and b in a direct chat. */
  private record InFlightDirect(InFlight inFlight, ChatEngine engine, Conversation direct) {}

  private InFlightDirect inFlightDirect(Duration reorderTimeout) {
    InFlight inFlight = new InFlight();
    ChatEngine engine =
        fx.engine(b -> b.messageStore(inFlight.wrap(fx.messages)).reorderTimeout(reorderTimeout));
    fx.user("a");
    fx.user("b");
    return new InFlightDirect(inFlight, engine, fx.direct("a", "b"));
  }

  /** Users a, b and c in a group, connected, with message 1 from a delivered. */
  private record InFlightGroup(
      InFlight inFlight, ChatEngine engine, Conversation group, Client a, Client b, Client c) {}

  private InFlightGroup inFlightGroup(Duration reorderTimeout) {
    InFlight inFlight = new InFlight();
    ChatEngine engine =
        fx.engine(b -> b.messageStore(inFlight.wrap(fx.messages)).reorderTimeout(reorderTimeout));
    fx.user("a");
    fx.user("b");
    fx.user("c");
    Conversation g = fx.group("a", "Three", "b", "c");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    Client c = fx.connect(engine, "c");
    a.sendMessage(g.id(), "k1", "m1");
    b.awaitCount("message", 1);
    return new InFlightGroup(inFlight, engine, g, a, b, c);
  }

  @Test
  void aMessageStillInFlightWhenAClientResumesReachesItLive() {
    InFlightDirect setup = inFlightDirect(ChatEngineBuilder.DEFAULT_REORDER_TIMEOUT);
    InFlight inFlight = setup.inFlight();
    ChatEngine engine = setup.engine();
    Conversation d = setup.direct();
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    a.sendMessage(d.id(), "k1", "m1");
    b.awaitCount("message", 1);
    b.session.onClosed();
    eventually("b disconnected", () -> engine.sessionCount() == 1);
    a.sendMessage(d.id(), "k2", "m2");
    a.awaitCount("ack", 2);
    inFlight.hold();
    a.sendMessage(d.id(), "k3", "m3"); // counter 3 is taken, the message not yet readable
    eventually("counter 3 in flight", () -> inFlight.count() == 1);

    Client b2 = fx.connect(engine, "b");
    Map<String, Object> hello = b2.await("hello");
    assertThat(at(hello, "conversations", "0", "lastSeq"))
        .as("hello claims only what this node's live stream has settled")
        .isEqualTo(2L);
    b2.send("{\"type\":\"sync\",\"ref\":\"s1\",\"cursors\":{\"" + d.id() + "\":1}}");
    assertThat(at(b2.await("synced"), "cursors", d.id())).isEqualTo(2L);
    inFlight.release();
    b2.awaitCount("message", 2);
    sleep(100);
    assertThat(b2.bodies(d.id())).containsExactly("m2", "m3");
  }

  @Test
  void aReplayRightAfterTheNodeStartsFollowingAConversationWaitsForWritesStillLanding() {
    // a long reorder timeout: the sync surely arrives within it, however slow the machine
    InFlightDirect setup = inFlightDirect(Duration.ofSeconds(2));
    InFlight inFlight = setup.inFlight();
    ChatEngine engine = setup.engine();
    Conversation d = setup.direct();
    join(engine.send(principal("a"), d.id(), "k1", "m1"));
    inFlight.hold();
    engine.send(principal("a"), d.id(), "k2", "m2"); // no session of a: no channel yet
    eventually("counter 2 in flight", () -> inFlight.count() == 1);

    Client b = fx.connect(engine, "b"); // the channel starts at the store's counter, 2
    b.send("{\"type\":\"sync\",\"ref\":\"s1\",\"cursors\":{\"" + d.id() + "\":0}}");
    sleep(100);
    inFlight.release(); // lands after the channel's start: the channel never sends it
    assertThat(at(b.await("synced"), "cursors", d.id())).isEqualTo(2L);
    assertThat(b.bodies(d.id())).containsExactly("m1", "m2");
  }

  @Test
  void aReplayDoesNotSkipAMessageStoredAfterALaterOne() {
    InFlightGroup t = inFlightGroup(Duration.ofSeconds(10));
    InFlight inFlight = t.inFlight();
    ChatEngine engine = t.engine();
    Conversation g = t.group();
    Client a = t.a();
    Client b = t.b();
    Client c = t.c();
    b.session.onClosed();
    eventually("b disconnected", () -> engine.sessionCount() == 2);
    inFlight.hold();
    a.sendMessage(g.id(), "k2", "m2"); // counter 2 in flight
    eventually("counter 2 in flight", () -> inFlight.count() == 1);
    c.sendMessage(g.id(), "k3", "m3"); // counter 3 readable before 2
    c.await("ack");

    Client b2 = fx.connect(engine, "b");
    b2.send("{\"type\":\"sync\",\"ref\":\"s1\",\"cursors\":{\"" + g.id() + "\":1}}");
    assertThat(at(b2.await("synced"), "cursors", g.id()))
        .as("the replay stops where the live stream stands, below the missing 2")
        .isEqualTo(1L);
    inFlight.release();
    b2.awaitCount("message", 2);
    sleep(100);
    assertThat(b2.bodies(g.id())).containsExactly("m2", "m3");
    assertThat(b2.counters(g.id())).containsExactly(2L, 3L);
  }

  @Test
  void aMessageWhoseWriteLandsAfterTheReorderWaitIsDeliveredLateNotDropped() {
    InFlightGroup t = inFlightGroup(Duration.ofMillis(100));
    InFlight inFlight = t.inFlight();
    ChatEngine engine = t.engine();
    Conversation g = t.group();
    Client a = t.a();
    Client b = t.b();
    Client c = t.c();
    inFlight.hold();
    a.sendMessage(g.id(), "k2", "m2"); // counter 2 taken, its write slow
    eventually("counter 2 in flight", () -> inFlight.count() == 1);
    c.sendMessage(g.id(), "k3", "m3");
    b.awaitCount("message", 2); // after the reorder wait, 2 is given up as a hole
    assertThat(b.bodies(g.id())).containsExactly("m1", "m3");

    inFlight.release();
    b.awaitCount("message", 3);
    sleep(100);
    assertThat(b.bodies(g.id())).containsExactly("m1", "m3", "m2");
    assertThat(b.counters(g.id())).containsExactly(1L, 3L, 2L);
    assertThat(c.bodies(g.id())).containsExactly("m1", "m3", "m2");
  }

  @Test
  void liveMessagesDuringASyncAreHeldAndFlushedWithoutDuplicates() throws Exception {
    ChatEngine engine = fx.engine(b -> b.rateLimit(10_000, 10_000));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    for (int i = 1; i <= 450; i++) {
      join(engine.send(principal("a"), d.id(), "old" + i, "old " + i));
    }
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    Thread sender =
        new Thread(
            () -> {
              for (int i = 1; i <= 100; i++) {
                a.sendMessage(d.id(), "new" + i, "new " + i);
              }
            });
    b.send("{\"type\":\"sync\",\"cursors\":{\"" + d.id() + "\":0}}");
    sender.start();
    sender.join(5000);
    b.await("synced");
    b.awaitCount("message", 550);
    sleep(100);
    List<Long> counters = b.counters(d.id());
    assertThat(counters).hasSize(550).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void nonMembersCannotReadOrWrite() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    fx.user("eve");
    Conversation d = fx.direct("a", "b");
    join(engine.send(principal("a"), d.id(), "k", "secret"));
    Client eve = fx.connect(engine, "eve");

    eve.sendMessage(d.id(), "x", "let me in");
    Map<String, Object> error = eve.await("error");
    assertThat(error.get("code")).isEqualTo("forbidden");
    assertThat(error.get("clientMsgId")).isEqualTo("x");
    eve.send("{\"type\":\"read\",\"ref\":\"r\",\"conversationId\":\"" + d.id() + "\",\"seq\":1}");
    eve.send(
        "{\"type\":\"typing\",\"ref\":\"t\",\"conversationId\":\""
            + d.id()
            + "\",\"typing\":true}");
    eve.send("{\"type\":\"sync\",\"ref\":\"s\",\"cursors\":{\"" + d.id() + "\":0}}");
    eve.awaitCount("error", 3);
    Map<String, Object> synced = eve.await("synced");
    assertThat((Map<?, ?>) synced.get("cursors")).isEmpty();
    assertThat(eve.frames("message")).isEmpty();

    assertThat(failure(engine.history(principal("eve"), d.id(), HistoryQuery.latest(10))).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.send(principal("eve"), d.id(), "y", "hi")).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.markRead(principal("eve"), d.id(), 1)).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.readMarkers(principal("eve"), d.id())).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.conversation(principal("eve"), d.id())).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(engine.history(principal("eve"), "nope", HistoryQuery.latest(10))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void malformedAndUnknownFramesGetErrorFramesAndTheSessionStaysOpen() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");

    a.send("not json");
    a.send("[1,2]");
    a.send("{\"type\":\"fly\",\"ref\":\"r\"}");
    a.send("{\"type\":\"send\",\"conversationId\":\"" + d.id() + "\"}");
    a.send("{\"type\":\"read\",\"conversationId\":\"" + d.id() + "\",\"seq\":-4}");
    List<Map<String, Object>> errors = a.awaitCount("error", 5);
    assertThat(errors)
        .extracting(e -> e.get("code"))
        .containsExactly("malformed", "malformed", "unknown_type", "malformed", "invalid_argument");
    assertThat(a.conn.isClosed()).isFalse();

    a.send("{\"type\":\"ping\",\"ref\":\"p1\"}");
    assertThat(a.await("pong").get("ref")).isEqualTo("p1");
    a.sendMessage(d.id(), "ok", "still works");
    assertThat(a.await("ack").get("clientMsgId")).isEqualTo("ok");
  }

  @Test
  void bodiesAreValidated() {
    ChatEngine engine = fx.engine(b -> b.maxBodyLength(10));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    a.sendMessage(d.id(), "k1", "   ");
    a.sendMessage(d.id(), "k2", "this is far too long");
    List<Map<String, Object>> errors = a.awaitCount("error", 2);
    assertThat(errors.get(0).get("code")).isEqualTo("invalid_argument");
    assertThat(errors.get(1).get("code")).isEqualTo("invalid_argument");
    assertThat((String) errors.get(1).get("message")).contains("20").contains("10");
  }

  @Test
  void framesSentBeforeHelloAreProcessedInOrderAfterIt() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connectNoWait(engine, principal("a"));
    for (int i = 1; i <= 5; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    List<Map<String, Object>> acks = a.awaitCount("ack", 5);
    assertThat(acks)
        .extracting(f -> f.get("clientMsgId"))
        .containsExactly("k1", "k2", "k3", "k4", "k5");
    assertThat(acks).extracting(f -> f.get("seq")).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(RecordingConnectionFrames.typeOfFirst(a)).isEqualTo("hello");
  }

  @Test
  void editAndDeleteOwnMessagesReachMembersWithNewCounters() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(engine, "a");
    Client b = fx.connect(engine, "b");
    a.sendMessage(d.id(), "k1", "typo");
    String id = (String) a.await("ack").get("id");
    b.await("message");

    a.send(
        "{\"type\":\"edit\",\"ref\":\"e1\",\"conversationId\":\""
            + d.id()
            + "\",\"messageId\":\""
            + id
            + "\",\"body\":\"fixed\"}");
    Map<String, Object> editAck =
        a.await(f -> "ack".equals(f.get("type")) && "e1".equals(f.get("ref")));
    assertThat(editAck.get("modSeq")).isEqualTo(2L);
    assertThat(editAck.get("seq")).isEqualTo(1L);
    b.awaitCount("message", 2);

    b.send(
        "{\"type\":\"delete\",\"ref\":\"x\",\"conversationId\":\""
            + d.id()
            + "\",\"messageId\":\""
            + id
            + "\"}");
    Map<String, Object> denied = b.await("error");
    assertThat(denied.get("code")).isEqualTo("forbidden");
    assertThat(denied.get("ref")).isEqualTo("x");

    Message deleted = join(engine.delete(principal("a"), d.id(), id));
    assertThat(deleted.deleted()).isTrue();
    List<Map<String, Object>> seen = b.awaitCount("message", 3);
    assertThat(at(seen.get(1), "message", "body")).isEqualTo("fixed");
    assertThat(at(seen.get(1), "message", "editedAt")).isNotNull();
    assertThat(at(seen.get(2), "message", "deleted")).isEqualTo(true);
    assertThat(at(seen.get(2), "message", "body")).isEqualTo("");
    assertThat(b.counters(d.id())).containsExactly(1L, 2L, 3L);

    assertThat(failure(engine.edit(principal("a"), d.id(), id, "again")).code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(failure(engine.edit(principal("a"), d.id(), "missing", "x")).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void readMarkersMoveForwardAndReachMembersAndTheReadersOtherSessions() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    for (int i = 1; i <= 3; i++) {
      join(engine.send(principal("a"), d.id(), "k" + i, "m" + i));
    }
    Client a = fx.connect(engine, "a");
    Client b1 = fx.connect(engine, "b");
    Client b2 = fx.connect(engine, "b");

    b1.send("{\"type\":\"read\",\"conversationId\":\"" + d.id() + "\",\"seq\":2}");
    Map<String, Object> read = a.await("read");
    assertThat(read.get("userId")).isEqualTo("b");
    assertThat(read.get("seq")).isEqualTo(2L);
    assertThat(b2.await("read").get("seq")).isEqualTo(2L);
    assertThat(join(engine.conversation(principal("b"), d.id())).unread()).isEqualTo(1);

    assertThat(join(engine.markRead(principal("b"), d.id(), 1)).seq()).isEqualTo(2);
    assertThat(failure(engine.markRead(principal("b"), d.id(), 99)).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(join(engine.readMarkers(principal("a"), d.id())))
        .anySatisfy(m -> assertThat(m.seq()).isEqualTo(2));
    sleep(50);
    assertThat(b1.frames("read")).isEmpty();
  }

  @Test
  void aHoleInTheCountersIsFilledFromTheStore() {
    ChatEngine engine = fx.engine(b -> b.reorderTimeout(Duration.ofMillis(50)));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Message first = join(engine.send(principal("a"), d.id(), "k1", "one")).message();
    Client b = fx.connect(engine, "b");
    // A change the engine never hears of (as if its bus event were lost) takes counter 2.
    join(fx.messages.edit(d.id(), first.id(), "one, edited elsewhere", java.time.Instant.now()));
    join(engine.send(principal("a"), d.id(), "k3", "three"));

    b.awaitCount("message", 2);
    assertThat(b.counters(d.id())).containsExactly(2L, 3L);
    assertThat(b.bodies(d.id())).containsExactly("one, edited elsewhere", "three");
  }

  @Test
  void closingTheEngineClosesSessions() {
    ChatEngine engine = fx.engine();
    fx.user("a");
    Client a = fx.connect(engine, "a");
    engine.close();
    assertThat(a.conn.awaitClose(EngineFixture.WAIT)).isEqualTo(1001);
    engine.close();
  }

  // ------------------------------------------------------------------------------------------

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A message store whose appends fail while {@code failing} is set. */
  static MessageStore failingAppends(MessageStore delegate, AtomicBoolean failing) {
    return decorate(
        delegate,
        (method, args) -> {
          if (method.equals("append") && failing.get()) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("store: down"));
          }
          return null;
        });
  }

  /** An engine whose first append completes only after {@code release}, with users a and b. */
  private ChatEngine engineWithSlowFirstAppend(CountDownLatch release) {
    MessageStore store = delayingFirstAppend(fx.messages, release);
    ChatEngine engine = fx.engine(b -> b.messageStore(store));
    fx.user("a");
    fx.user("b");
    return engine;
  }

  /** A message store whose first append is stored at once but completes only after the latch. */
  static MessageStore delayingFirstAppend(MessageStore delegate, CountDownLatch release) {
    AtomicBoolean first = new AtomicBoolean(true);
    return decorate(
        delegate,
        (method, args) -> {
          if (method.equals("append") && first.compareAndSet(true, false)) {
            CompletableFuture<AppendResult> stored =
                delegate.append((NewMessage) args[0]).toCompletableFuture();
            return stored.thenApplyAsync(
                r -> {
                  try {
                    release.await(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return r;
                });
          }
          return null;
        });
  }

  /**
   * Makes the next append after {@link #hold} look like a write still on its way to the store: the
   * counter is taken (lastSeq shows it), reads do not show the message yet, and the append
   * completes only at {@link #release}, when the message becomes readable.
   */
  static final class InFlight {
    private final Set<Long> hidden = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private final AtomicBoolean holding = new AtomicBoolean();

    void hold() {
      holding.set(true);
    }

    /** Messages stored but not readable yet. */
    int count() {
      return hidden.size();
    }

    void release() {
      hidden.clear();
      released.complete(null);
    }

    MessageStore wrap(MessageStore delegate) {
      return decorate(
          delegate,
          (method, args) ->
              switch (method) {
                case "append" -> {
                  if (!holding.compareAndSet(true, false)) {
                    yield null;
                  }
                  yield delegate
                      .append((NewMessage) args[0])
                      .toCompletableFuture()
                      .thenCompose(
                          r -> {
                            hidden.add(r.message().seq());
                            return released.thenApply(v -> r);
                          });
                }
                case "changesSince" ->
                    delegate
                        .changesSince((String) args[0], (Long) args[1], (Integer) args[2])
                        .thenApply(this::visible);
                case "page" ->
                    delegate
                        .page((String) args[0], (HistoryQuery) args[1])
                        .thenApply(this::visible);
                default -> null;
              });
    }

    private List<Message> visible(List<Message> messages) {
      return messages.stream().filter(m -> !hidden.contains(m.seq())).toList();
    }
  }

  interface Interceptor {
    /** A replacement result, or null to call the delegate. */
    Object intercept(String method, Object[] args) throws Exception;
  }

  static MessageStore decorate(MessageStore delegate, Interceptor interceptor) {
    return (MessageStore)
        Proxy.newProxyInstance(
            MessageStore.class.getClassLoader(),
            new Class<?>[] {MessageStore.class},
            (proxy, method, args) -> {
              Object replaced = interceptor.intercept(method.getName(), args);
              if (replaced != null) {
                return replaced;
              }
              try {
                return method.invoke(delegate, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** Helpers over the recording connection's raw frames. */
  static final class RecordingConnectionFrames {
    static String typeOfFirst(Client c) {
      List<String> frames = c.conn.frames();
      assertThat(frames).isNotEmpty();
      return dev.chatsdk.testkit.RecordingConnection.typeOf(frames.get(0));
    }
  }

  static Set<Object> set(List<?> list) {
    return new HashSet<>(list);
  }
}
