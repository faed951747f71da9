package dev.chatsdk.api;

import java.util.OptionalLong;

/**
 * A page request over a conversation's messages by {@code seq}.
 *
 * <p>With {@code after}: the first {@code limit} messages with seq {@code > after}, ascending. With
 * {@code before}: the last {@code limit} messages with seq {@code < before}, returned ascending.
 * With neither: the latest {@code limit} messages, ascending. Both set: the messages strictly
 * between, ascending from {@code after}, at most {@code limit}.
 *
 * @param after exclusive lower bound, or -1 for none
 * @param before exclusive upper bound, or -1 for none
 * @param limit 1..{@value #MAX_LIMIT}
 */
public record HistoryQuery(long after, long before, int limit) {
  /** The largest page. */
  public static final int MAX_LIMIT = 200;

  /** The page size when the caller gives none. */
  public static final int DEFAULT_LIMIT = 50;

  public HistoryQuery {
    if (after < -1) {
      throw ChatException.invalid("after: " + after + " (expected: >= 0)");
    }
    if (before < -1) {
      throw ChatException.invalid("before: " + before + " (expected: >= 1)");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ChatException.invalid("limit: " + limit + " (expected: 1..200)");
    }
  }

  /** Messages with seq greater than {@code seq}, ascending. */
  public static HistoryQuery after(long seq, int limit) {
    return new HistoryQuery(seq, -1, limit);
  }

  /** Messages with seq less than {@code seq}, the newest {@code limit} of them, ascending. */
  public static HistoryQuery before(long seq, int limit) {
    return new HistoryQuery(-1, seq, limit);
  }

  /** The newest {@code limit} messages, ascending. */
  public static HistoryQuery latest(int limit) {
    return new HistoryQuery(-1, -1, limit);
  }

  /** The lower bound, if any. */
  public OptionalLong afterSeq() {
    return after < 0 ? OptionalLong.empty() : OptionalLong.of(after);
  }

  /** The upper bound, if any. */
  public OptionalLong beforeSeq() {
    return before < 0 ? OptionalLong.empty() : OptionalLong.of(before);
  }
}
