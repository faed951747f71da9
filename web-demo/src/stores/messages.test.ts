import { describe, expect, it } from 'vitest';
import { EMPTY_CONVERSATION_MESSAGES, mergeMessages, orderedMessages } from './messages';
import { msg, seeded, shuffle } from '../test/fakes';

const C = 'c1';

describe('mergeMessages', () => {
  it('keeps messages in seq order whatever the arrival order', () => {
    const all = [1, 2, 3, 5, 8, 9, 10].map((s) => msg(C, s, 'u1'));
    const random = seeded(42);
    for (let round = 0; round < 50; round++) {
      let cm = EMPTY_CONVERSATION_MESSAGES;
      for (const m of shuffle(all, random)) cm = mergeMessages(cm, [m]);
      expect(cm.seqs).toEqual([1, 2, 3, 5, 8, 9, 10]);
      expect(orderedMessages(cm).map((m) => m.body)).toEqual(all.map((m) => m.body));
    }
  });

  it('shows each message once under duplicates, replays and batches in any order', () => {
    const all = Array.from({ length: 20 }, (_, i) => msg(C, i + 1, i % 2 ? 'u1' : 'u2'));
    const random = seeded(7);
    const deliveries = shuffle([...all, ...all, ...all.slice(5, 12)], random);
    let cm = EMPTY_CONVERSATION_MESSAGES;
    for (let i = 0; i < deliveries.length; i += 3) cm = mergeMessages(cm, deliveries.slice(i, i + 3));
    expect(cm.seqs).toEqual(all.map((m) => m.seq));
    expect(new Set(orderedMessages(cm).map((m) => m.id)).size).toBe(20);
  });

  it('is idempotent: merging the same message again returns the same state object', () => {
    const once = mergeMessages(EMPTY_CONVERSATION_MESSAGES, [msg(C, 1, 'u1', 'hi', { id: 'm1' })]);
    const twice = mergeMessages(once, [msg(C, 1, 'u1', 'hi', { id: 'm1' })]);
    expect(twice).toBe(once);
  });

  it('lets the later change (higher modSeq) win regardless of arrival order', () => {
    const original = msg(C, 4, 'u1', 'first', { id: 'm4', modSeq: 4 });
    const edited = msg(C, 4, 'u1', 'second', { id: 'm4', modSeq: 9, editedAt: '2026-11-24T10:01:00.000Z' });
    const deleted = msg(C, 4, 'u1', '', { id: 'm4', modSeq: 12, deleted: true });
    for (const order of [
      [original, edited, deleted],
      [deleted, original, edited],
      [edited, deleted, original],
    ]) {
      let cm = EMPTY_CONVERSATION_MESSAGES;
      for (const m of order) cm = mergeMessages(cm, [m]);
      expect(cm.seqs).toEqual([4]);
      expect(cm.bySeq[4]).toMatchObject({ deleted: true, modSeq: 12 });
    }
  });

  it('accepts holes in seq without inventing messages', () => {
    const cm = mergeMessages(EMPTY_CONVERSATION_MESSAGES, [msg(C, 10, 'u1'), msg(C, 2, 'u1'), msg(C, 7, 'u1')]);
    expect(cm.seqs).toEqual([2, 7, 10]);
  });

  it('inserts older pages in front of newer ones', () => {
    let cm = mergeMessages(EMPTY_CONVERSATION_MESSAGES, [31, 32, 33].map((s) => msg(C, s, 'u1')));
    cm = mergeMessages(cm, [28, 29, 30, 31].map((s) => msg(C, s, 'u1')));
    expect(cm.seqs).toEqual([28, 29, 30, 31, 32, 33]);
  });
});
