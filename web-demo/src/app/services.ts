import { api } from '../lib/api';
import { ChatClient, defaultSocketUrl } from '../lib/chat-client';
import { HistoryLoader } from '../lib/history';
import type { User } from '../lib/types';
import { chatStore } from '../stores';

/** How often the people list (presence, names, avatars) is refreshed while signed in. */
const USERS_REFRESH_MS = 15_000;

let usersTimer: ReturnType<typeof setInterval> | null = null;
const requestedUsers = new Set<string>();

export const client = new ChatClient({
  url: defaultSocketUrl(),
  store: chatStore,
  onSessionLost: () => {
    void handleSessionLost();
  },
  checkSession: async () => (await api.me()) !== null,
  onUnknownUsers: (ids) => fetchUsers(ids),
  onUnknownConversation: () => scheduleConversationsRefresh(),
});

export const history = new HistoryLoader(chatStore);

// Presence frames missed while disconnected are caught up from REST on every (re)connect.
chatStore.subscribe((s, prev) => {
  if (s.connection === 'online' && prev.connection !== 'online') void refreshUsers();
});

// Back online or back to the tab: try now instead of waiting out the backoff.
window.addEventListener('online', () => client.reconnectNow());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') client.reconnectNow();
});

/** Finds out whether the cookie still holds a session; starts the app if so. */
export async function bootstrap(): Promise<void> {
  try {
    const me = await api.me();
    if (me) startSession(me);
    else chatStore.getState().setMe(null);
  } catch (e) {
    chatStore.getState().setMe(null);
    chatStore.getState().notify('error', (e as Error).message);
  }
}

/** Called after signup, login or a restored session. */
export function startSession(me: User): void {
  chatStore.getState().setMe(me);
  chatStore.getState().upsertUsers([me]);
  client.start();
  void refreshUsers();
  if (usersTimer === null) usersTimer = setInterval(() => void refreshUsers(), USERS_REFRESH_MS);
}

export async function logout(): Promise<void> {
  client.stop();
  try {
    await api.logout();
  } catch {
    // the cookie is cleared server-side when reachable; locally we forget everything anyway
  }
  endSession();
}

let lastSessionRecheck = 0;

async function handleSessionLost(): Promise<void> {
  // A socket closed for its token (4001) while the cookie may already hold a newer session:
  // ask REST once a minute before sending the user back to the sign-in form.
  if (Date.now() - lastSessionRecheck > 60_000) {
    lastSessionRecheck = Date.now();
    const me = await api.me().catch(() => null);
    if (me) {
      client.start();
      return;
    }
  }
  endSession();
  chatStore.getState().notify('info', 'Your session ended. Please sign in again.');
}

function endSession(): void {
  if (usersTimer !== null) clearInterval(usersTimer);
  usersTimer = null;
  requestedUsers.clear();
  chatStore.getState().resetAll();
}

/** Reloads the people list (with presence) from REST; `q` filters by name on the server. */
export async function refreshUsers(q = ''): Promise<void> {
  try {
    const users = await api.users(q);
    chatStore.getState().upsertUsers(users);
  } catch {
    // shown as stale data; the next refresh tries again
  }
}

let conversationsRefresh: ReturnType<typeof setTimeout> | null = null;

/** Reloads the conversation list soon (coalescing bursts), e.g. after a message for an unknown one. */
function scheduleConversationsRefresh(): void {
  if (conversationsRefresh !== null) return;
  conversationsRefresh = setTimeout(() => {
    conversationsRefresh = null;
    api.conversations().then(
      (summaries) => {
        const s = chatStore.getState();
        s.applySummaries(summaries);
        for (const sum of summaries) s.initCursor(sum.conversation.id, sum.lastSeq);
      },
      () => undefined,
    );
  }, 200);
}

function fetchUsers(ids: string[]): void {
  for (const id of ids) {
    if (requestedUsers.has(id)) continue;
    requestedUsers.add(id);
    api.user(id).then(
      (u) => chatStore.getState().upsertUsers([u]),
      () => requestedUsers.delete(id),
    );
  }
}

/** Loads the members' read markers of a conversation, for "seen" on messages sent earlier. */
export async function loadReadMarkers(conversationId: string): Promise<void> {
  try {
    const markers = await api.readMarkers(conversationId);
    const s = chatStore.getState();
    for (const m of markers) s.applyRead(conversationId, m.userId, m.seq);
  } catch {
    // "seen" then appears with the next read event
  }
}
