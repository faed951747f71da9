package dev.chatsdk.core.internal;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.port.MessageDraft;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.PolicyDecision;
import dev.chatsdk.core.EngineListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message operations: send (validation, rate limit, slow mode and host policies, append), edit and
 * delete of one's own messages, history pages, and read markers, each announced to local sessions
 * and other nodes once stored.
 *
 * <p>Threading: thread-safe. Runs on the caller's thread until the first store call, then on store
 * callback threads. {@link #restBuckets} is a concurrent map, swept of idle buckets by the worker.
 */
final class MessageOps {
  private static final Logger log = LoggerFactory.getLogger(MessageOps.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final EngineListener listener;
  private final String nodeId;
  private final Map<String, TokenBucket> restBuckets = new ConcurrentHashMap<>();

  MessageOps(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.listener = config.listener();
    this.nodeId = config.nodeId();
  }

  /** Sends a message outside a live connection (REST, bots). */
  CompletionStage<AppendResult> send(
      Principal principal, String conversationId, String clientMsgId, String body) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    return doSend(principal, null, conversationId, clientMsgId, body);
  }

  /** Sends a message; {@code session} is the live connection it came from, if any. */
  CompletableFuture<AppendResult> doSend(
      Principal principal,
      @Nullable Session session,
      String conversationId,
      String clientMsgId,
      String body) {
    listener.messageReceived();
    String userId = principal.userId();
    try {
      checkId(conversationId, "conversationId");
      checkId(clientMsgId, "clientMsgId");
      checkBody(body);
      TokenBucket bucket = session != null ? session.bucket : restBucket(userId);
      long waitMs = bucket.tryTake(config.clock().millis());
      if (waitMs > 0) {
        throw new RateLimitedException(
            ErrorCode.RATE_LIMITED,
            "rate limit: "
                + config.ratePerSecond()
                + " messages per second, bursts of "
                + config.rateBurst()
                + " (retry in "
                + waitMs
                + " ms)",
            Duration.ofMillis(waitMs));
      }
    } catch (ChatException e) {
      listener.messageRejected(e.code());
      return CompletableFuture.failedFuture(e);
    }
    if (session != null) {
      // a connection's sends are stored one after another, in the order they arrived
      return session.afterPreviousSend(
          () -> store(principal, session, conversationId, clientMsgId, body));
    }
    return store(principal, null, conversationId, clientMsgId, body);
  }

  /** Runs the policies on a validated send, appends it and announces it. */
  private CompletableFuture<AppendResult> store(
      Principal principal,
      @Nullable Session session,
      String conversationId,
      String clientMsgId,
      String body) {
    String userId = principal.userId();
    return engine
        .conversations
        .memberConversation(userId, conversationId)
        .thenCompose(
            conversation -> {
              Instant now = config.clock().instant();
              MessageDraft draft =
                  new MessageDraft(
                      conversationId,
                      conversation.kind(),
                      conversation.members().size(),
                      userId,
                      session == null ? null : session.id(),
                      clientMsgId,
                      body,
                      now);
              String decided = decideBody(draft, true);
              return engine.timed(
                  "append",
                  () ->
                      config
                          .messageStore()
                          .append(
                              new NewMessage(
                                  conversationId, userId, clientMsgId, decided, List.of(), now)));
            })
        .thenApply(
            result -> {
              if (!result.duplicate()) {
                engine.typing.clear(conversationId, userId);
                engine.fanout.publishMessage(result.message());
              }
              return result;
            })
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                listener.messageRejected(Engines.toChat(e, ErrorCode.UNAVAILABLE, "send").code());
              }
            })
        .exceptionallyCompose(Engines.failAs("append"));
  }

  /**
   * Runs the policies on a draft and returns the body to store, checked again if a policy rewrote
   * it.
   */
  private String decideBody(MessageDraft draft, boolean withSlowMode) {
    String decided = runPolicies(draft, withSlowMode).body();
    if (!decided.equals(draft.body())) {
      checkBody(decided);
    }
    return decided;
  }

  /** Runs rate-free policies: slow mode (for sends) and the host's, in order. */
  private MessageDraft runPolicies(MessageDraft draft, boolean withSlowMode) {
    MessageDraft current = draft;
    if (withSlowMode) {
      current = apply(config.slowMode(), current);
    }
    for (MessagePolicy policy : config.policies()) {
      current = apply(policy, current);
    }
    return current;
  }

  private static MessageDraft apply(MessagePolicy policy, MessageDraft draft) {
    PolicyDecision decision;
    try {
      decision = policy.check(draft);
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("message policy {} failed", policy.getClass().getName(), e);
      throw new ChatException(ErrorCode.INTERNAL, "message policy failed");
    }
    if (decision == null || decision instanceof PolicyDecision.Accept) {
      return draft;
    }
    if (decision instanceof PolicyDecision.Rewrite r) {
      return draft.withBody(r.body());
    }
    PolicyDecision.Reject reject = (PolicyDecision.Reject) decision;
    if (reject.code() == ErrorCode.RATE_LIMITED || reject.code() == ErrorCode.SLOW_MODE) {
      throw new RateLimitedException(reject.code(), reject.reason(), reject.retryAfter());
    }
    throw new ChatException(reject.code(), reject.reason());
  }

  private void checkBody(String body) {
    if (body.isBlank()) {
      throw ChatException.invalid(
          "body: blank (expected: 1.." + config.maxBodyLength() + " characters, not blank)");
    }
    if (body.length() > config.maxBodyLength()) {
      throw ChatException.invalid(
          "body: length " + body.length() + " (expected: at most " + config.maxBodyLength() + ")");
    }
  }

  private static void checkId(String id, String name) {
    if (id.isEmpty() || id.length() > 128) {
      throw ChatException.invalid(name + ": length " + id.length() + " (expected: 1..128)");
    }
  }

  private TokenBucket restBucket(String userId) {
    return restBuckets.computeIfAbsent(
        userId, k -> new TokenBucket(config.ratePerSecond(), config.rateBurst()));
  }

  /** Drops the REST rate-limit buckets that are full again (idle users). */
  void sweepRestBuckets() {
    long now = config.clock().millis();
    restBuckets.values().removeIf(b -> b.isFull(now));
  }

  /** Edits one of the caller's messages. */
  CompletionStage<Message> edit(
      Principal principal, String conversationId, String messageId, String body) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    String userId = principal.userId();
    return ownMessage(userId, conversationId, messageId)
        .thenCompose(
            (Function<Map.Entry<Conversation, Message>, CompletableFuture<Message>>)
                pair -> {
                  checkBody(body);
                  Conversation c = pair.getKey();
                  Message m = pair.getValue();
                  Instant now = config.clock().instant();
                  MessageDraft draft =
                      new MessageDraft(
                          conversationId,
                          c.kind(),
                          c.members().size(),
                          userId,
                          null,
                          m.clientMsgId(),
                          body,
                          now);
                  String finalBody = decideBody(draft, false);
                  return engine.timed(
                      "edit",
                      () -> config.messageStore().edit(conversationId, messageId, finalBody, now));
                })
        .thenApply(
            m -> {
              engine.fanout.publishMessage(m);
              return m;
            })
        .exceptionallyCompose(Engines.failAs("edit"));
  }

  /** Deletes one of the caller's messages (a no-op if already deleted). */
  CompletionStage<Message> delete(Principal principal, String conversationId, String messageId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    String userId = principal.userId();
    return ownMessage(userId, conversationId, messageId)
        .thenCompose(
            pair -> {
              if (pair.getValue().deleted()) {
                return CompletableFuture.completedFuture(pair.getValue());
              }
              Instant now = config.clock().instant();
              return engine
                  .timed(
                      "delete", () -> config.messageStore().delete(conversationId, messageId, now))
                  .thenApply(
                      m -> {
                        engine.fanout.publishMessage(m);
                        return m;
                      });
            })
        .exceptionallyCompose(Engines.failAs("delete"));
  }

  private CompletableFuture<Map.Entry<Conversation, Message>> ownMessage(
      String userId, String conversationId, String messageId) {
    return engine
        .conversations
        .memberConversation(userId, conversationId)
        .thenCompose(
            c ->
                Engines.call(() -> config.messageStore().find(conversationId, messageId))
                    .thenApply(
                        found -> {
                          Message m =
                              found.orElseThrow(
                                  () ->
                                      ChatException.notFound(
                                          "message "
                                              + messageId
                                              + ": not found in conversation "
                                              + conversationId));
                          if (!m.senderId().equals(userId)) {
                            throw ChatException.forbidden(
                                "message "
                                    + messageId
                                    + ": not yours (only the author may change it)");
                          }
                          return Map.entry(c, m);
                        }));
  }

  /** A page of a conversation's history, if the caller is a member. */
  CompletionStage<List<Message>> history(
      Principal principal, String conversationId, HistoryQuery query) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(query, "query");
    return engine
        .conversations
        .memberConversation(principal.userId(), conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().page(conversationId, query)))
        .exceptionallyCompose(Engines.failAs("history"));
  }

  /** Moves the caller's read marker outside a live connection. */
  CompletionStage<ReadMarker> markRead(Principal principal, String conversationId, long seq) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return doMarkRead(principal, conversationId, seq, null);
  }

  /** Moves the caller's read marker; {@code origin} is the session that asked, if any. */
  CompletableFuture<ReadMarker> doMarkRead(
      Principal principal, String conversationId, long seq, @Nullable Session origin) {
    if (seq < 0) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("seq: " + seq + " (expected: >= 0)"));
    }
    String userId = principal.userId();
    return engine
        .conversations
        .memberConversation(userId, conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().lastSeq(conversationId)))
        .thenCompose(
            last -> {
              if (seq > last) {
                throw ChatException.invalid(
                    "seq: "
                        + seq
                        + " (expected: at most "
                        + last
                        + ", the conversation's counter)");
              }
              return engine.timed(
                  "read",
                  () ->
                      config.messageStore().markRead(new ReadMarker(conversationId, userId, seq)));
            })
        .thenApply(
            stored -> {
              if (stored.seq() == seq) {
                // the marker is where this call put it (a marker already ahead is not news)
                engine.fanout.broadcastRead(stored, origin);
                engine.fanout.publish(
                    "c:" + conversationId,
                    BusEvent.read(nodeId, conversationId, userId, stored.seq()));
              }
              return stored;
            })
        .exceptionallyCompose(Engines.failAs("read"));
  }

  /** Every member's read marker in a conversation, if the caller is a member. */
  CompletionStage<List<ReadMarker>> readMarkers(Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return engine
        .conversations
        .memberConversation(principal.userId(), conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().readMarkers(conversationId)))
        .exceptionallyCompose(Engines.failAs("readMarkers"));
  }
}
