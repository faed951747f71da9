import type { StateCreator } from 'zustand';
import type { User, UserWithPresence } from '../lib/types';
import type { ChatState } from './chatStore';

export interface PresenceState {
  online: boolean;
  lastSeen?: string;
}

/** How long a typing indicator lasts without a refresh (the server also expires it). */
export const TYPING_TTL_MS = 6000;

export interface PresenceSlice {
  users: Record<string, User>;
  presence: Record<string, PresenceState>;
  /** conversationId -> userId -> expiry time (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  upsertUsers: (users: readonly UserWithPresence[]) => void;
  setPresence: (userId: string, online: boolean, lastSeen?: string) => void;
  setTyping: (conversationId: string, userId: string, typing: boolean, now: number) => void;
  /** Drops typing entries whose time ran out; returns whether any remain. */
  expireTyping: (now: number) => boolean;
}

export const createPresenceSlice: StateCreator<ChatState, [], [], PresenceSlice> = (set, get) => ({
  users: {},
  presence: {},
  typing: {},
  upsertUsers: (list) =>
    set((s) => {
      const users = { ...s.users };
      const presence = { ...s.presence };
      for (const u of list) {
        const { online, lastSeen, ...user } = u;
        users[u.id] = { ...users[u.id], ...user };
        if (online !== undefined) {
          presence[u.id] = { online, lastSeen: lastSeen ?? u.lastSeenAt ?? presence[u.id]?.lastSeen };
        } else if (!presence[u.id] && u.lastSeenAt) {
          presence[u.id] = { online: false, lastSeen: u.lastSeenAt };
        }
      }
      return { users, presence };
    }),
  setPresence: (userId, online, lastSeen) =>
    set((s) => ({
      presence: {
        ...s.presence,
        [userId]: { online, lastSeen: lastSeen ?? s.presence[userId]?.lastSeen },
      },
    })),
  setTyping: (conversationId, userId, typing, now) =>
    set((s) => {
      const current = { ...(s.typing[conversationId] ?? {}) };
      if (typing) current[userId] = now + TYPING_TTL_MS;
      else delete current[userId];
      return { typing: { ...s.typing, [conversationId]: current } };
    }),
  expireTyping: (now) => {
    const s = get();
    let changed = false;
    let remaining = false;
    const typing: Record<string, Record<string, number>> = {};
    for (const [cid, byUser] of Object.entries(s.typing)) {
      const kept: Record<string, number> = {};
      for (const [uid, until] of Object.entries(byUser)) {
        if (until > now) {
          kept[uid] = until;
          remaining = true;
        } else changed = true;
      }
      typing[cid] = kept;
    }
    if (changed) set({ typing });
    return remaining;
  },
});
