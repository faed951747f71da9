import type { StateCreator } from 'zustand';
import type { User } from '../lib/types';
import type { ChatState } from './chatStore';

export type AuthStatus = 'unknown' | 'anonymous' | 'authenticated';
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting';
export type View = 'chat' | 'profile' | 'settings';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface SessionSlice {
  me: User | null;
  auth: AuthStatus;
  connection: ConnectionStatus;
  /** Milliseconds until the next reconnect attempt, while reconnecting. */
  reconnectInMs: number;
  view: View;
  notices: Notice[];
  setMe: (me: User | null) => void;
  setConnection: (status: ConnectionStatus, reconnectInMs?: number) => void;
  setView: (view: View) => void;
  notify: (kind: Notice['kind'], text: string) => void;
  dismissNotice: (id: number) => void;
}

let noticeIds = 0;

export const createSessionSlice: StateCreator<ChatState, [], [], SessionSlice> = (set) => ({
  me: null,
  auth: 'unknown',
  connection: 'idle',
  reconnectInMs: 0,
  view: 'chat',
  notices: [],
  setMe: (me) => set({ me, auth: me ? 'authenticated' : 'anonymous' }),
  setConnection: (connection, reconnectInMs = 0) => set({ connection, reconnectInMs }),
  setView: (view) => set({ view }),
  notify: (kind, text) =>
    set((s) => ({ notices: [...s.notices.slice(-3), { id: ++noticeIds, kind, text }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
