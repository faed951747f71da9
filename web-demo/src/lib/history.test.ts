import { beforeEach, describe, expect, it } from 'vitest';
import { HistoryLoader, PAGE_SIZE } from './history';
import { createChatStore, type ChatStore } from '../stores/chatStore';
import { msg } from '../test/fakes';
import type { Message } from './types';

const C = 'c1';
let store: ChatStore;
let calls: { before?: number; limit: number }[];
let all: Message[];

function loader(): HistoryLoader {
  return new HistoryLoader(store, async (_id, q) => {
    calls.push({ before: q.before, limit: q.limit });
    const page = all.filter((m) => q.before === undefined || m.seq < q.before).slice(-q.limit);
    return { messages: page };
  });
}

beforeEach(() => {
  store = createChatStore();
  calls = [];
  all = Array.from({ length: 70 }, (_, i) => msg(C, i + 1, 'bob'));
  store.getState().applySummaries([
    { conversation: { id: C, kind: 'direct', members: [] }, lastSeq: 70, readSeq: 70, unread: 0 },
  ]);
});

describe('HistoryLoader', () => {
  it('loads the newest page, then older pages until the start', async () => {
    const h = loader();
    await h.loadLatest(C);
    expect(calls).toEqual([{ before: 71, limit: PAGE_SIZE }]);
    expect(store.getState().messages[C]!.seqs[0]).toBe(41);
    await h.loadOlder(C);
    await h.loadOlder(C);
    expect(store.getState().messages[C]!.seqs).toEqual(all.map((m) => m.seq));
    expect(store.getState().messages[C]!.hasMoreBefore).toBe(false);
    await h.loadOlder(C);
    expect(calls).toHaveLength(3);
  });

  it('loads the newest page only once and merges with live messages already held', async () => {
    store.getState().receiveMessages(C, [msg(C, 70, 'bob', 'live', { id: all[69]!.id })], true);
    const h = loader();
    await Promise.all([h.loadLatest(C), h.loadLatest(C)]);
    await h.loadLatest(C);
    expect(calls).toHaveLength(1);
    const cm = store.getState().messages[C]!;
    expect(cm.seqs).toHaveLength(30);
    expect(new Set(cm.seqs).size).toBe(30);
  });

  it('asks for nothing in an empty conversation', async () => {
    store.getState().applySummaries([{ conversation: { id: 'e', kind: 'group', members: [] }, lastSeq: 0, readSeq: 0, unread: 0 }]);
    await loader().loadLatest('e');
    expect(calls).toEqual([]);
    expect(store.getState().messages.e).toMatchObject({ historyLoaded: true, hasMoreBefore: false });
  });
});
