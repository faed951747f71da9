package dev.chatsdk.core;

import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.MessageDraft;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.PolicyDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slow mode: in a conversation with an interval set, each member may post at most one message per
 * interval; a faster attempt is rejected with {@link ErrorCode#SLOW_MODE} and the time left. The
 * engine always runs its slow mode policy (after the per-session rate limit, before the host's
 * policies); a host application sets the intervals, at any time, through the instance it gave the
 * builder ({@link ChatEngineBuilder#slowMode}).
 *
 * <p>An attempt counts when this policy accepts it, even if a later policy or the store refuses the
 * message. Thread-safe.
 */
public final class SlowMode implements MessagePolicy {
  private static final int PRUNE_THRESHOLD = 10_000;

  private final Map<String, Duration> intervals = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastAccepted = new ConcurrentHashMap<>();

  private SlowMode() {}

  /** Creates a slow mode with no intervals set (every conversation is unrestricted). */
  public static SlowMode create() {
    return new SlowMode();
  }

  /**
   * Sets the interval of a conversation; {@link Duration#ZERO} turns slow mode off there.
   *
   * @throws dev.chatsdk.api.ChatException {@code INVALID_ARGUMENT} for a negative interval
   */
  public void set(String conversationId, Duration interval) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw dev.chatsdk.api.ChatException.invalid(
          "interval: " + interval + " (expected: zero or positive)");
    }
    if (interval.isZero()) {
      clear(conversationId);
    } else {
      intervals.put(conversationId, interval);
    }
  }

  /** Turns slow mode off in a conversation. */
  public void clear(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    intervals.remove(conversationId);
    String prefix = conversationId + '\u0000';
    lastAccepted.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** The interval set for a conversation, if slow mode is on there. */
  public Optional<Duration> interval(String conversationId) {
    return Optional.ofNullable(intervals.get(conversationId));
  }

  @Override
  public PolicyDecision check(MessageDraft draft) {
    Duration interval = intervals.get(draft.conversationId());
    if (interval == null) {
      return PolicyDecision.accept();
    }
    String key = draft.conversationId() + '\u0000' + draft.senderId();
    Instant now = draft.at();
    Duration[] wait = new Duration[1];
    lastAccepted.compute(
        key,
        (k, last) -> {
          if (last != null) {
            Instant next = last.plus(interval);
            if (now.isBefore(next)) {
              wait[0] = Duration.between(now, next);
              return last;
            }
          }
          return now;
        });
    if (lastAccepted.size() > PRUNE_THRESHOLD) {
      prune(now);
    }
    if (wait[0] != null) {
      return new PolicyDecision.Reject(
          ErrorCode.SLOW_MODE,
          "slow mode: one message per "
              + interval.toMillis()
              + " ms in conversation "
              + draft.conversationId(),
          wait[0]);
    }
    return PolicyDecision.accept();
  }

  private void prune(Instant now) {
    lastAccepted
        .entrySet()
        .removeIf(
            e -> {
              String conversationId = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
              Duration interval = intervals.get(conversationId);
              return interval == null || !now.isBefore(e.getValue().plus(interval));
            });
  }
}
