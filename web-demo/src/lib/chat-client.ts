import type { ChatStore } from '../stores/chatStore';
import { newClientMsgId } from './ids';
import type { ClientFrame, ServerFrame } from './types';

/** The part of the browser's WebSocket the client uses, so tests can drive a fake one. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string, protocol: string) => WebSocketLike;

/** Clock and timers, injectable so tests control time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface ChatClientOptions {
  url: string;
  store: ChatStore;
  createSocket?: SocketFactory;
  clock?: Clock;
  /** Uniform in [0, 1): jitter for the reconnect delay. */
  random?: () => number;
  backoff?: BackoffOptions;
  /** How long a send waits for its ack on a live connection before it shows "failed". */
  ackTimeoutMs?: number;
  /** How long an open socket may wait for `hello`. */
  helloTimeoutMs?: number;
  /** Called when the server says the session is over (close 4001, or the cookie no longer works). */
  onSessionLost?: () => void;
  /** Asked after repeated failed connects: is the session cookie still good? */
  checkSession?: () => Promise<boolean>;
  /** Called with user ids the client saw but the store does not know (to fetch their profiles). */
  onUnknownUsers?: (userIds: string[]) => void;
  /** Called when a message arrives for a conversation the store does not know (to list it). */
  onUnknownConversation?: (conversationId: string) => void;
}

const OPEN = 1;
const TYPING_RESEND_MS = 3000;
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 8000 };
export const DEFAULT_ACK_TIMEOUT_MS = 15_000;
export const DEFAULT_HEARTBEAT_MS = 25_000;

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The WebSocket URL of the page's own origin. */
export function defaultSocketUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/**
 * Owns the one WebSocket of the app and writes everything it learns into the store.
 *
 * Reconnects with exponential backoff and jitter; after each `hello` it resumes with `sync` from
 * the per-conversation cursors held in the store, then resends every unacknowledged send with
 * its original clientMsgId (the server deduplicates). Framework-free: components never see the
 * socket, they call these methods and read the store.
 */
export class ChatClient {
  private readonly store: ChatStore;
  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly ackTimeoutMs: number;
  private readonly helloTimeoutMs: number;
  private readonly opts: ChatClientOptions;

  private socket: WebSocketLike | null = null;
  private ready = false;
  private running = false;
  private attempt = 0;
  private failuresBeforeHello = 0;
  private reconnectTimer: unknown = null;
  private helloTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private typingTimer: unknown = null;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private lastFrameAt = 0;
  private refCounter = 0;
  private readonly ackTimers = new Map<string, unknown>();
  private readonly retryTimers = new Map<string, unknown>();
  private readonly pendingRefs = new Map<string, string>();
  private readonly typingSentAt = new Map<string, number>();

  constructor(options: ChatClientOptions) {
    this.opts = options;
    this.store = options.store;
    this.url = options.url;
    this.createSocket =
      options.createSocket ?? ((url, protocol) => new WebSocket(url, protocol) as unknown as WebSocketLike);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  }

  /** Starts connecting (no-op when already started). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.failuresBeforeHello = 0;
    this.connect();
  }

  /** Closes the socket and stops reconnecting. Unacknowledged sends stay in the store. */
  stop(): void {
    this.running = false;
    this.clearTimer('reconnectTimer');
    this.teardownSocket(1000, 'bye');
    this.store.getState().setConnection('idle');
  }

  /** Skips the rest of a reconnect wait (the browser says it is back online, the tab is shown). */
  reconnectNow(): void {
    if (!this.running || this.socket !== null || this.reconnectTimer === null) return;
    this.clearTimer('reconnectTimer');
    this.connect();
  }

  /** Whether the socket is open and the server said hello. */
  isReady(): boolean {
    return this.ready;
  }

  /** Sends a message: shown at once as "sending", reconciled by the ack. Returns its clientMsgId. */
  send(conversationId: string, body: string): string {
    const clientMsgId = newClientMsgId();
    this.store.getState().enqueueOutgoing({
      clientMsgId,
      conversationId,
      body,
      createdAt: new Date(this.clock.now()).toISOString(),
      status: 'sending',
    });
    this.stopTyping(conversationId);
    this.transmit(clientMsgId);
    return clientMsgId;
  }

  /** Sends a failed message again with the same clientMsgId. */
  retry(clientMsgId: string): void {
    const out = this.store.getState().outbox[clientMsgId];
    if (!out) return;
    this.store.getState().markOutgoing(clientMsgId, 'sending');
    this.transmit(clientMsgId);
  }

  /** Gives up on a failed message. */
  discard(clientMsgId: string): void {
    this.clearAckTimer(clientMsgId);
    const s = this.store.getState();
    if (!s.outbox[clientMsgId]) return;
    const outbox = { ...s.outbox };
    delete outbox[clientMsgId];
    this.store.setState({ outbox });
  }

  edit(conversationId: string, messageId: string, body: string): void {
    this.sendWithRef({ type: 'edit', conversationId, messageId, body }, 'edit the message');
  }

  remove(conversationId: string, messageId: string): void {
    this.sendWithRef({ type: 'delete', conversationId, messageId }, 'delete the message');
  }

  /** Reports typing; refreshes at most every 3 s while typing continues. */
  setTyping(conversationId: string, typing: boolean): void {
    if (!typing) {
      this.stopTyping(conversationId);
      return;
    }
    const last = this.typingSentAt.get(conversationId);
    const now = this.clock.now();
    if (last !== undefined && now - last < TYPING_RESEND_MS) return;
    if (this.frame({ type: 'typing', conversationId, typing: true })) {
      this.typingSentAt.set(conversationId, now);
    }
  }

  /** Moves the read marker forward and tells the server (again after reconnect if needed). */
  markRead(conversationId: string, seq: number): void {
    const entry = this.store.getState().conversations[conversationId];
    if (!entry || seq <= entry.readSeq) return;
    this.store.getState().setReadSeq(conversationId, seq);
    this.frame({ type: 'read', conversationId, seq });
  }

  // ---- connection lifecycle ----

  private connect(): void {
    if (!this.running) return;
    this.store.getState().setConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(this.url, 'chat.v1');
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    this.ready = false;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.lastFrameAt = this.clock.now();
      this.helloTimer = this.clock.setTimeout(() => {
        if (this.socket === ws && !this.ready) this.handleClose(ws, 4000, 'no hello');
      }, this.helloTimeoutMs);
    };
    ws.onmessage = (ev) => {
      if (this.socket !== ws) return;
      this.lastFrameAt = this.clock.now();
      if (typeof ev.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return;
      }
      this.dispatch(frame);
    };
    ws.onclose = (ev) => this.handleClose(ws, ev.code, ev.reason ?? '');
    ws.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  private handleClose(ws: WebSocketLike, code: number, _reason: string): void {
    if (this.socket !== ws) return;
    const hadHello = this.ready;
    this.detach();
    try {
      ws.close();
    } catch {
      // already closed
    }
    if (!this.running) return;
    if (code === 4001) {
      this.sessionLost();
      return;
    }
    if (!hadHello) {
      this.failuresBeforeHello++;
      // The upgrade is refused (401) the same way a down server is; after a few tries ask REST.
      if (this.failuresBeforeHello >= 2 && this.opts.checkSession) {
        this.opts.checkSession().then(
          (ok) => {
            if (!ok && this.running) this.sessionLost();
          },
          () => undefined,
        );
      }
    }
    this.scheduleReconnect();
  }

  private sessionLost(): void {
    this.running = false;
    this.clearTimer('reconnectTimer');
    this.store.getState().setConnection('idle');
    this.opts.onSessionLost?.();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (base / 2) * this.random());
    this.attempt++;
    this.store.getState().setConnection('reconnecting', delay);
    this.clearTimer('reconnectTimer');
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Forgets the current socket and every timer tied to it. */
  private detach(): void {
    const ws = this.socket;
    this.socket = null;
    this.ready = false;
    this.clearTimer('helloTimer');
    this.clearTimer('heartbeatTimer');
    for (const id of [...this.ackTimers.keys()]) this.clearAckTimer(id);
    for (const h of this.retryTimers.values()) this.clock.clearTimeout(h);
    this.retryTimers.clear();
    this.pendingRefs.clear();
    this.typingSentAt.clear();
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = null;
    }
  }

  private teardownSocket(code: number, reason: string): void {
    const ws = this.socket;
    this.detach();
    if (ws) {
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    }
  }

  private clearTimer(name: 'reconnectTimer' | 'helloTimer' | 'heartbeatTimer' | 'typingTimer'): void {
    const h = this[name];
    if (h !== null) this.clock.clearTimeout(h);
    this[name] = null;
  }

  private scheduleHeartbeat(): void {
    this.clearTimer('heartbeatTimer');
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = null;
      const ws = this.socket;
      if (!ws || !this.ready) return;
      if (this.clock.now() - this.lastFrameAt > this.heartbeatMs * 2.5) {
        // Nothing heard for too long: the connection is dead even if the browser has not noticed.
        this.handleClose(ws, 4000, 'heartbeat timeout');
        return;
      }
      this.frame({ type: 'ping' });
      this.scheduleHeartbeat();
    }, this.heartbeatMs);
  }

  // ---- frames ----

  private dispatch(f: ServerFrame): void {
    const s = this.store.getState();
    switch (f.type) {
      case 'hello':
        this.onHello(f);
        break;
      case 'message':
        if (!(f.message.conversationId in s.conversations)) this.opts.onUnknownConversation?.(f.message.conversationId);
        s.receiveMessages(f.message.conversationId, [f.message], true);
        s.setTyping(f.message.conversationId, f.message.senderId, false, this.clock.now());
        this.noteUsers([f.message.senderId]);
        break;
      case 'ack':
        if (f.ref) this.pendingRefs.delete(f.ref);
        this.clearAckTimer(f.clientMsgId);
        s.applyAck(f);
        break;
      case 'read':
        s.applyRead(f.conversationId, f.userId, f.seq);
        break;
      case 'typing':
        s.setTyping(f.conversationId, f.userId, f.typing, this.clock.now());
        if (f.typing) this.scheduleTypingExpiry();
        this.noteUsers([f.userId]);
        break;
      case 'presence':
        s.setPresence(f.userId, f.online, f.lastSeen);
        this.noteUsers([f.userId]);
        break;
      case 'conversation':
        this.onConversation(f);
        break;
      case 'user':
        // A profile change (name, avatar) of someone sharing a conversation, or of this user.
        s.upsertUsers([f.user]);
        if (s.me && f.user.id === s.me.id) s.setMe({ ...s.me, ...f.user });
        break;
      case 'error':
        this.onError(f);
        break;
      case 'synced':
      case 'pong':
      case 'reauth':
      case 'authenticated':
        break;
    }
  }

  private onHello(f: Extract<ServerFrame, { type: 'hello' }>): void {
    const before = this.store.getState();
    const resumeCursors: Record<string, number> = { ...before.cursors };
    const localReads: Record<string, number> = {};
    for (const [id, e] of Object.entries(before.conversations)) localReads[id] = e.readSeq;

    before.setMe(f.user);
    before.applySummaries(f.conversations);
    for (const sum of f.conversations) {
      this.store.getState().initCursor(sum.conversation.id, sum.lastSeq);
    }
    this.ready = true;
    this.attempt = 0;
    this.failuresBeforeHello = 0;
    this.clearTimer('helloTimer');
    this.heartbeatMs = f.heartbeatMs && f.heartbeatMs > 0 ? f.heartbeatMs : DEFAULT_HEARTBEAT_MS;
    this.scheduleHeartbeat();

    if (Object.keys(resumeCursors).length > 0) {
      this.frame({ type: 'sync', ref: this.nextRef(), cursors: resumeCursors });
    }
    for (const sum of f.conversations) {
      const local = localReads[sum.conversation.id] ?? 0;
      if (local > sum.readSeq) this.frame({ type: 'read', conversationId: sum.conversation.id, seq: local });
    }
    for (const out of Object.values(this.store.getState().outbox)) {
      if (out.status === 'sending') this.transmit(out.clientMsgId);
    }
    this.noteUsers(f.conversations.flatMap((c) => c.conversation.members.map((m) => m.userId)));
    this.store.getState().setConnection('online');
  }

  private onConversation(f: Extract<ServerFrame, { type: 'conversation' }>): void {
    const s = this.store.getState();
    const me = s.me?.id;
    const removedMe =
      (f.change === 'member_removed' || f.change === 'member_left') && f.userId !== undefined && f.userId === me;
    if (removedMe || (me && !f.conversation.members.some((m) => m.userId === me))) {
      s.removeConversation(f.conversation.id);
      return;
    }
    const known = f.conversation.id in s.conversations;
    s.upsertConversation(f.conversation);
    // A conversation first seen now is resumed from its start: it is new or newly joined.
    if (!known) s.initCursor(f.conversation.id, 0);
    this.noteUsers(f.conversation.members.map((m) => m.userId));
  }

  private onError(f: Extract<ServerFrame, { type: 'error' }>): void {
    const s = this.store.getState();
    if (f.clientMsgId && s.outbox[f.clientMsgId]) {
      const id = f.clientMsgId;
      this.clearAckTimer(id);
      if (f.retryable) {
        const wait = Math.max(f.retryAfterMs ?? 0, 1000);
        this.retryTimers.set(
          id,
          this.clock.setTimeout(() => {
            this.retryTimers.delete(id);
            if (this.store.getState().outbox[id]?.status === 'sending') this.transmit(id);
          }, wait),
        );
      } else {
        s.markOutgoing(id, 'failed', f.message);
      }
      return;
    }
    const what = f.ref ? this.pendingRefs.get(f.ref) : undefined;
    if (f.ref) this.pendingRefs.delete(f.ref);
    if (what) s.notify('error', `Could not ${what}: ${f.message}`);
  }

  private noteUsers(ids: string[]): void {
    if (!this.opts.onUnknownUsers) return;
    const users = this.store.getState().users;
    const unknown = [...new Set(ids)].filter((id) => !(id in users));
    if (unknown.length > 0) this.opts.onUnknownUsers(unknown);
  }

  private scheduleTypingExpiry(): void {
    if (this.typingTimer !== null) return;
    this.typingTimer = this.clock.setTimeout(() => {
      this.typingTimer = null;
      if (this.store.getState().expireTyping(this.clock.now())) this.scheduleTypingExpiry();
    }, 1000);
  }

  private stopTyping(conversationId: string): void {
    if (this.typingSentAt.has(conversationId)) {
      this.typingSentAt.delete(conversationId);
      this.frame({ type: 'typing', conversationId, typing: false });
    }
  }

  /** Sends one outbox entry if the connection is ready; otherwise it waits for the next hello. */
  private transmit(clientMsgId: string): void {
    const out = this.store.getState().outbox[clientMsgId];
    if (!out || !this.ready) return;
    const sent = this.frame({
      type: 'send',
      ref: this.nextRef(),
      conversationId: out.conversationId,
      clientMsgId,
      body: out.body,
    });
    if (!sent) return;
    this.clearAckTimer(clientMsgId);
    this.ackTimers.set(
      clientMsgId,
      this.clock.setTimeout(() => {
        this.ackTimers.delete(clientMsgId);
        if (this.store.getState().outbox[clientMsgId]?.status === 'sending') {
          this.store.getState().markOutgoing(clientMsgId, 'failed', 'No answer from the server');
        }
      }, this.ackTimeoutMs),
    );
  }

  private clearAckTimer(clientMsgId: string): void {
    const h = this.ackTimers.get(clientMsgId);
    if (h !== undefined) this.clock.clearTimeout(h);
    this.ackTimers.delete(clientMsgId);
  }

  private sendWithRef(frame: ClientFrame, what: string): void {
    const ref = this.nextRef();
    if (!this.frame({ ...frame, ref })) {
      this.store.getState().notify('error', `Could not ${what}: you are offline.`);
      return;
    }
    this.pendingRefs.set(ref, what);
  }

  private nextRef(): string {
    return `r${++this.refCounter}`;
  }

  private frame(frame: ClientFrame): boolean {
    const ws = this.socket;
    if (!ws || !this.ready || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }
}
