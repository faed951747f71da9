import { beforeEach, describe, expect, it } from 'vitest';
import { createChatStore, type ChatStore } from './chatStore';
import { selectConversationIds, selectOutgoing, selectUnread } from './selectors';
import { msg } from '../test/fakes';
import type { Conversation } from '../lib/types';

const ME = 'me';
const BOB = 'bob';
const C = 'c1';

function direct(id = C): Conversation {
  return {
    id,
    kind: 'direct',
    members: [
      { userId: ME, role: 'member' },
      { userId: BOB, role: 'member' },
    ],
    createdAt: '2026-11-24T09:00:00.000Z',
  };
}

let store: ChatStore;

beforeEach(() => {
  store = createChatStore();
  store.getState().setMe({ id: ME, username: 'me', displayName: 'Me' });
});

describe('optimistic send reconciliation', () => {
  beforeEach(() => store.getState().upsertConversation(direct()));

  function enqueue(clientMsgId: string, body = 'hello') {
    store.getState().enqueueOutgoing({
      clientMsgId,
      conversationId: C,
      body,
      createdAt: '2026-11-24T10:00:00.000Z',
      status: 'sending',
    });
  }

  it('shows a send at once as sending, then as the stored message after the ack', () => {
    enqueue('k1');
    expect(selectOutgoing(store.getState(), C)).toMatchObject([{ clientMsgId: 'k1', status: 'sending', body: 'hello' }]);

    store.getState().applyAck({ conversationId: C, clientMsgId: 'k1', id: 'm7', seq: 7, modSeq: 7, createdAt: '2026-11-24T10:00:01.000Z' });

    const s = store.getState();
    expect(selectOutgoing(s, C)).toEqual([]);
    expect(s.messages[C]!.seqs).toEqual([7]);
    expect(s.messages[C]!.bySeq[7]).toMatchObject({ id: 'm7', senderId: ME, body: 'hello', clientMsgId: 'k1' });
    expect(s.conversations[C]!.lastMessage?.id).toBe('m7');
  });

  it('shows one message when the message frame comes before the ack, and the late ack changes nothing', () => {
    enqueue('k1');
    store.getState().receiveMessages(C, [msg(C, 7, ME, 'hello', { id: 'm7', clientMsgId: 'k1' })], true);
    expect(selectOutgoing(store.getState(), C)).toEqual([]);
    const before = store.getState().messages[C];

    store.getState().applyAck({ conversationId: C, clientMsgId: 'k1', id: 'm7', seq: 7, createdAt: '2026-11-24T10:00:01.000Z' });

    expect(store.getState().messages[C]).toBe(before);
    expect(store.getState().messages[C]!.seqs).toEqual([7]);
  });

  it('marks a refused send failed and a retry back to sending with the same clientMsgId', () => {
    enqueue('k1');
    store.getState().markOutgoing('k1', 'failed', 'rate limited');
    expect(store.getState().outbox.k1).toMatchObject({ status: 'failed', error: 'rate limited' });
    store.getState().markOutgoing('k1', 'sending');
    expect(store.getState().outbox.k1).toMatchObject({ clientMsgId: 'k1', status: 'sending', body: 'hello' });
  });

  it('keeps unacknowledged sends in send order after acknowledged ones', () => {
    enqueue('k1', 'one');
    enqueue('k2', 'two');
    enqueue('k3', 'three');
    store.getState().applyAck({ conversationId: C, clientMsgId: 'k2', id: 'm2', seq: 2, createdAt: '2026-11-24T10:00:01.000Z' });
    expect(selectOutgoing(store.getState(), C).map((o) => o.body)).toEqual(['one', 'three']);
  });

  it('does not let a message from someone else with a reused clientMsgId settle my send', () => {
    enqueue('k1');
    store.getState().receiveMessages(C, [msg(C, 3, BOB, 'spoof', { clientMsgId: 'k1' })], true);
    expect(store.getState().outbox.k1?.status).toBe('sending');
  });
});

describe('unread counting', () => {
  beforeEach(() => {
    store.getState().applySummaries([{ conversation: direct(), lastSeq: 10, readSeq: 8, unread: 2 }]);
  });

  it('starts from the server count', () => {
    expect(selectUnread(store.getState(), C)).toBe(2);
  });

  it('counts new messages from others, not my own', () => {
    store.getState().receiveMessages(C, [msg(C, 11, BOB), msg(C, 12, ME), msg(C, 13, BOB)], true);
    expect(selectUnread(store.getState(), C)).toBe(4);
  });

  it('does not count duplicates, replays or messages at or below the snapshot', () => {
    const m11 = msg(C, 11, BOB, 'x', { id: 'm11' });
    store.getState().receiveMessages(C, [m11], true);
    store.getState().receiveMessages(C, [m11, msg(C, 9, BOB), msg(C, 10, BOB)], true);
    store.getState().receiveMessages(C, [m11], false);
    expect(selectUnread(store.getState(), C)).toBe(3);
  });

  it('counts the same under reordering', () => {
    store.getState().receiveMessages(C, [msg(C, 14, BOB)], true);
    store.getState().receiveMessages(C, [msg(C, 12, BOB), msg(C, 11, BOB)], true);
    expect(selectUnread(store.getState(), C)).toBe(5);
  });

  it('drops to zero when read up to the end, and counts only what comes after', () => {
    store.getState().receiveMessages(C, [msg(C, 11, BOB), msg(C, 12, BOB)], true);
    store.getState().setReadSeq(C, 12);
    expect(selectUnread(store.getState(), C)).toBe(0);
    store.getState().receiveMessages(C, [msg(C, 13, BOB)], true);
    expect(selectUnread(store.getState(), C)).toBe(1);
  });

  it('follows my read marker from my other sessions, never moving it back', () => {
    store.getState().receiveMessages(C, [msg(C, 11, BOB), msg(C, 12, BOB)], true);
    store.getState().applyRead(C, ME, 12);
    store.getState().applyRead(C, ME, 5);
    expect(store.getState().conversations[C]!.readSeq).toBe(12);
    expect(selectUnread(store.getState(), C)).toBe(0);
  });

  it('does not count deleted messages', () => {
    store.getState().receiveMessages(C, [msg(C, 11, BOB, '', { deleted: true })], true);
    expect(selectUnread(store.getState(), C)).toBe(2);
  });
});

describe('conversations', () => {
  it('records other members reading and orders conversations by last activity', () => {
    store.getState().upsertConversation(direct('a'));
    store.getState().upsertConversation(direct('b'));
    store.getState().receiveMessages('a', [msg('a', 1, BOB, 'x', { createdAt: '2026-11-24T10:00:00.000Z' })], true);
    store.getState().receiveMessages('b', [msg('b', 1, BOB, 'y', { createdAt: '2026-11-24T11:00:00.000Z' })], true);
    expect(selectConversationIds(store.getState())).toEqual(['b', 'a']);
    store.getState().applyRead('a', BOB, 1);
    expect(store.getState().conversations.a!.memberReads).toEqual({ [BOB]: 1 });
  });

  it('advances the resume cursor only from the server stream, by modSeq', () => {
    store.getState().upsertConversation(direct());
    store.getState().receiveMessages(C, [msg(C, 3, BOB)], false);
    expect(store.getState().cursors[C]).toBeUndefined();
    store.getState().receiveMessages(C, [msg(C, 2, BOB, 'edited', { modSeq: 6 }), msg(C, 5, BOB)], true);
    expect(store.getState().cursors[C]).toBe(6);
  });

  it('forgets everything on reset', () => {
    store.getState().upsertConversation(direct());
    store.getState().resetAll();
    expect(store.getState()).toMatchObject({ me: null, auth: 'anonymous', conversations: {}, messages: {}, outbox: {}, cursors: {} });
  });
});
