package dev.chatsdk.core.memory;

import java.util.function.IntPredicate;

/**
 * An open-addressing index from a key's hash to an int (a message's index in its log), in one
 * {@code long[]}: no object per entry. It stores hashes, not keys; {@link #find} asks the caller to
 * confirm each candidate. Entries are never removed. Not thread-safe.
 */
final class HashSlots {
  private long[] slots = new long[16]; // 0: empty; else hash << 32 | (value + 1)
  private int count;

  /** Adds {@code value} under {@code hash}; {@code value >= 0}. */
  void put(int hash, int value) {
    if (2 * (count + 1) > slots.length) {
      grow();
    }
    insert(slots, hash, value);
    count++;
  }

  /** The first value under {@code hash} that {@code matches} accepts, or -1. */
  int find(int hash, IntPredicate matches) {
    int mask = slots.length - 1;
    for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      int value = (int) slot - 1;
      if ((int) (slot >>> 32) == hash && matches.test(value)) {
        return value;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long slot : slots) {
      if (slot != 0) {
        insert(bigger, (int) (slot >>> 32), (int) slot - 1);
      }
    }
    slots = bigger;
  }

  private static void insert(long[] table, int hash, int value) {
    int mask = table.length - 1;
    int i = spread(hash) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = (long) hash << 32 | (value + 1L);
  }

  /** Mixes all bits of {@code h} into the low ones, which pick the slot. */
  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x7feb352d;
    h ^= h >>> 15;
    h *= 0x846ca68b;
    return h ^ (h >>> 16);
  }
}
