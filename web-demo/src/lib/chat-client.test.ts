import { beforeEach, describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client';
import { createChatStore, type ChatStore } from '../stores/chatStore';
import { selectOutgoing } from '../stores/selectors';
import { FakeClock, FakeSocket, msg } from '../test/fakes';
import type { ConversationSummary, ServerFrame } from './types';

const ME = { id: 'me', username: 'me', displayName: 'Me' };
const BOB = 'bob';
const C = 'c1';

function summary(lastSeq: number, readSeq = lastSeq, unread = 0): ConversationSummary {
  return {
    conversation: {
      id: C,
      kind: 'direct',
      members: [
        { userId: ME.id, role: 'member' },
        { userId: BOB, role: 'member' },
      ],
    },
    lastSeq,
    readSeq,
    unread,
  };
}

function hello(conversations: ConversationSummary[]): ServerFrame {
  return {
    type: 'hello',
    sessionId: 's',
    user: ME,
    serverTime: '2026-11-24T10:00:00.000Z',
    heartbeatMs: 20_000,
    conversations,
  };
}

let store: ChatStore;
let clock: FakeClock;
let sockets: FakeSocket[];
let sessionLost: number;
let client: ChatClient;

function latest(): FakeSocket {
  return sockets[sockets.length - 1]!;
}

/** Opens the newest socket and says hello as the server would. */
function serverAccepts(conversations: ConversationSummary[] = [summary(0)]): FakeSocket {
  const ws = latest();
  ws.open();
  ws.receive(hello(conversations));
  return ws;
}

beforeEach(() => {
  store = createChatStore();
  clock = new FakeClock();
  sockets = [];
  sessionLost = 0;
  client = new ChatClient({
    url: 'ws://test/ws',
    store,
    clock,
    random: () => 0.5,
    backoff: { initialMs: 500, maxMs: 8000 },
    ackTimeoutMs: 10_000,
    createSocket: (url, protocol) => {
      const ws = new FakeSocket(url, protocol);
      sockets.push(ws);
      return ws;
    },
    onSessionLost: () => sessionLost++,
  });
});

describe('ChatClient connection', () => {
  it('connects with the chat.v1 subprotocol and goes online on hello', () => {
    client.start();
    expect(latest().protocol).toBe('chat.v1');
    expect(store.getState().connection).toBe('connecting');
    serverAccepts([summary(5, 3, 2)]);
    const s = store.getState();
    expect(s.connection).toBe('online');
    expect(s.me?.id).toBe('me');
    expect(s.conversations[C]).toMatchObject({ lastSeq: 5, readSeq: 3, unreadBase: 2 });
    expect(s.cursors[C]).toBe(5);
    // Nothing to resume on a first connect.
    expect(latest().sentOfType('sync')).toEqual([]);
  });

  it('reconnects with growing, capped backoff while the server is away', () => {
    client.start();
    serverAccepts();
    latest().drop(1001);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(store.getState().connection).toBe('reconnecting');
      const d = clock.pendingDelays()[0]!;
      delays.push(d);
      clock.advance(d);
      latest().drop(1006);
    }
    // base = min(8000, 500 * 2^n); jitter 0.5 puts the delay at 3/4 of it
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 6000]);
    expect(sockets).toHaveLength(7);
  });

  it('resumes with sync from its cursors and resets the backoff after hello', () => {
    client.start();
    const first = serverAccepts([summary(2)]);
    first.receive({ type: 'message', message: msg(C, 3, BOB, 'three') });
    first.receive({ type: 'message', message: msg(C, 4, BOB, 'four') });
    first.drop(1006);
    clock.advance(clock.pendingDelays()[0]!);

    const second = serverAccepts([summary(6)]);
    expect(second.sentOfType('sync')[0]?.cursors).toEqual({ [C]: 4 });
    // The server replays 4 (again), 5 and 6; the screen shows each once, in order.
    second.receive({ type: 'message', message: msg(C, 6, BOB, 'six') });
    second.receive({ type: 'message', message: msg(C, 4, BOB, 'four') });
    second.receive({ type: 'message', message: msg(C, 5, BOB, 'five') });
    second.receive({ type: 'synced', cursors: { [C]: 6 } });
    const cm = store.getState().messages[C]!;
    expect(cm.seqs).toEqual([3, 4, 5, 6]);
    expect(cm.seqs.map((s) => cm.bySeq[s]!.body)).toEqual(['three', 'four', 'five', 'six']);
    expect(store.getState().cursors[C]).toBe(6);

    second.drop(1006);
    expect(clock.pendingDelays()[0]).toBe(375);
  });

  it('resends unacknowledged messages after reconnect with the same clientMsgId', () => {
    client.start();
    const first = serverAccepts([summary(0)]);
    const id = client.send(C, 'hello');
    expect(first.sentOfType('send')).toMatchObject([{ conversationId: C, clientMsgId: id, body: 'hello' }]);
    first.drop(1006);
    expect(selectOutgoing(store.getState(), C)).toMatchObject([{ clientMsgId: id, status: 'sending' }]);

    clock.advance(clock.pendingDelays()[0]!);
    const second = serverAccepts([summary(1)]);
    expect(second.sentOfType('send')).toMatchObject([{ clientMsgId: id, body: 'hello' }]);
    second.receive({ type: 'ack', conversationId: C, clientMsgId: id, id: 'm1', seq: 1, createdAt: '2026-11-24T10:00:01.000Z', duplicate: true });
    expect(selectOutgoing(store.getState(), C)).toEqual([]);
    expect(store.getState().messages[C]!.seqs).toEqual([1]);
  });

  it('queues sends made while offline and sends them on hello', () => {
    client.start();
    const id = client.send(C, 'early');
    expect(store.getState().outbox[id]?.status).toBe('sending');
    const ws = serverAccepts([summary(0)]);
    expect(ws.sentOfType('send').map((f) => f.clientMsgId)).toEqual([id]);
  });

  it('reconnects at once when asked during a backoff wait, and not while connected', () => {
    client.start();
    serverAccepts();
    client.reconnectNow();
    expect(sockets).toHaveLength(1);
    latest().drop(1006);
    clock.advance(100);
    expect(sockets).toHaveLength(1);
    client.reconnectNow();
    expect(sockets).toHaveLength(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('stops and reports the session lost on close 4001', () => {
    client.start();
    serverAccepts();
    latest().drop(4001);
    expect(sessionLost).toBe(1);
    expect(clock.pendingDelays()).toEqual([]);
    expect(store.getState().connection).toBe('idle');
  });

  it('asks whether the session is still valid when connects keep failing before hello', async () => {
    let checks = 0;
    const c = new ChatClient({
      url: 'ws://test/ws',
      store,
      clock,
      random: () => 0.5,
      createSocket: (url, protocol) => {
        const ws = new FakeSocket(url, protocol);
        sockets.push(ws);
        return ws;
      },
      checkSession: async () => {
        checks++;
        return false;
      },
      onSessionLost: () => sessionLost++,
    });
    c.start();
    latest().drop(1006);
    clock.advance(clock.pendingDelays()[0]!);
    latest().drop(1006);
    await Promise.resolve();
    await Promise.resolve();
    expect(checks).toBe(1);
    expect(sessionLost).toBe(1);
  });

  it('sends pings at the heartbeat and reconnects when the server goes silent', () => {
    client.start();
    const ws = serverAccepts();
    clock.advance(20_000);
    expect(ws.sentOfType('ping')).toHaveLength(1);
    clock.advance(40_000);
    expect(sockets).toHaveLength(1);
    expect(store.getState().connection).toBe('reconnecting');
    expect(ws.closedByClient).not.toBeNull();
  });

  it('re-sends its read marker after reconnect when the server has an older one', () => {
    client.start();
    const first = serverAccepts([summary(5, 2, 3)]);
    client.markRead(C, 5);
    expect(first.sentOfType('read')).toEqual([{ type: 'read', conversationId: C, seq: 5 }]);
    first.drop();
    clock.advance(clock.pendingDelays()[0]!);
    const second = serverAccepts([summary(5, 2, 3)]);
    expect(second.sentOfType('read')).toEqual([{ type: 'read', conversationId: C, seq: 5 }]);
    expect(store.getState().conversations[C]!.readSeq).toBe(5);
  });
});

describe('ChatClient sends', () => {
  beforeEach(() => {
    client.start();
    serverAccepts([summary(0)]);
  });

  it('marks a send failed on a non-retryable error and retries it with the same clientMsgId', () => {
    const id = client.send(C, 'x');
    latest().receive({ type: 'error', code: 'forbidden', message: 'not a member', clientMsgId: id, retryable: false });
    expect(store.getState().outbox[id]).toMatchObject({ status: 'failed', error: 'not a member' });
    client.retry(id);
    expect(store.getState().outbox[id]?.status).toBe('sending');
    expect(latest().sentOfType('send').map((f) => f.clientMsgId)).toEqual([id, id]);
  });

  it('retries by itself after retryAfterMs on a retryable error', () => {
    const id = client.send(C, 'x');
    latest().receive({ type: 'error', code: 'rate_limited', message: 'slow down', clientMsgId: id, retryable: true, retryAfterMs: 2000 });
    expect(latest().sentOfType('send')).toHaveLength(1);
    clock.advance(2000);
    expect(latest().sentOfType('send').map((f) => f.clientMsgId)).toEqual([id, id]);
    expect(store.getState().outbox[id]?.status).toBe('sending');
  });

  it('shows failed when no ack comes on a live connection', () => {
    const id = client.send(C, 'x');
    clock.advance(10_000);
    expect(store.getState().outbox[id]).toMatchObject({ status: 'failed' });
  });

  it('sends typing at most every 3 s and a stop once', () => {
    client.setTyping(C, true);
    client.setTyping(C, true);
    clock.advance(3000);
    client.setTyping(C, true);
    client.setTyping(C, false);
    client.setTyping(C, false);
    expect(latest().sentOfType('typing').map((f) => f.typing)).toEqual([true, true, false]);
  });

  it('shows others typing and clears it when their message arrives or the time runs out', () => {
    latest().receive({ type: 'typing', conversationId: C, userId: BOB, typing: true });
    expect(store.getState().typing[C]?.[BOB]).toBeDefined();
    latest().receive({ type: 'message', message: msg(C, 1, BOB) });
    expect(store.getState().typing[C]?.[BOB]).toBeUndefined();
    latest().receive({ type: 'typing', conversationId: C, userId: BOB, typing: true });
    clock.advance(7000);
    expect(store.getState().typing[C]?.[BOB]).toBeUndefined();
  });

  it('applies presence, read and conversation frames', () => {
    latest().receive({ type: 'presence', userId: BOB, online: true });
    latest().receive({ type: 'read', conversationId: C, userId: BOB, seq: 3 });
    latest().receive({
      type: 'conversation',
      change: 'created',
      conversation: { id: 'g1', kind: 'group', title: 'Team', members: [{ userId: ME.id, role: 'admin' }, { userId: BOB, role: 'member' }] },
    });
    const s = store.getState();
    expect(s.presence[BOB]?.online).toBe(true);
    expect(s.conversations[C]!.memberReads[BOB]).toBe(3);
    expect(s.conversations.g1?.conversation.title).toBe('Team');
    expect(s.cursors.g1).toBe(0);

    latest().receive({
      type: 'conversation',
      change: 'role_changed',
      userId: BOB,
      conversation: { id: 'g1', kind: 'group', title: 'Team', members: [{ userId: ME.id, role: 'admin' }, { userId: BOB, role: 'admin' }] },
    });
    expect(store.getState().conversations.g1?.conversation.members.map((m) => m.role)).toEqual(['admin', 'admin']);

    latest().receive({
      type: 'conversation',
      change: 'member_removed',
      userId: ME.id,
      conversation: { id: 'g1', kind: 'group', title: 'Team', members: [{ userId: BOB, role: 'admin' }] },
    });
    expect(store.getState().conversations.g1).toBeUndefined();
  });

  it('applies profile changes from user frames, including my own', () => {
    latest().receive({ type: 'user', user: { id: BOB, username: 'bob', displayName: 'Robert', avatarId: 'a1' } });
    latest().receive({ type: 'user', user: { ...ME, displayName: 'Me Renamed' } });
    expect(store.getState().users[BOB]).toMatchObject({ displayName: 'Robert', avatarId: 'a1' });
    expect(store.getState().me?.displayName).toBe('Me Renamed');
  });

  it('ignores frames that are not JSON', () => {
    latest().onmessage?.({ data: 'not json' });
    expect(store.getState().connection).toBe('online');
  });
});
