import type { Conversation, ConversationSummary, Message, User, UserWithPresence } from './types';

/** An error answered by the server: `{"error":{"code","message"}}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType ?? (body.type || 'application/octet-stream');
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    // The session is the httpOnly chat_token cookie: same-origin requests carry it.
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'unavailable', 'The server cannot be reached. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? defaultMessage(res.status));
  }
  return json as T;
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Please sign in.';
    case 413:
      return 'That is too large.';
    case 415:
      return 'That file type is not supported.';
    case 429:
      return 'Too many attempts. Please wait a moment.';
    default:
      return `The server answered ${status}.`;
  }
}

/** Lists come either bare or wrapped in an object under a named field. */
function listOf<T>(value: unknown, ...keys: string[]): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') {
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

interface AuthResponse {
  user: User;
  token?: string;
}

export interface HistoryPage {
  messages: Message[];
  hasMore?: boolean;
}

/** The REST API of chat-server-undertow (docs/PROTOCOL.md). */
export const api = {
  async signup(username: string, password: string, displayName: string): Promise<User> {
    // The token in the answer is for bots; the browser keeps only the httpOnly cookie.
    const r = await request<AuthResponse>('POST', '/api/auth/signup', { username, password, displayName });
    return r.user;
  },
  async login(username: string, password: string): Promise<User> {
    const r = await request<AuthResponse>('POST', '/api/auth/login', { username, password });
    return r.user;
  },
  logout: () => request<void>('POST', '/api/auth/logout'),
  async me(): Promise<User | null> {
    try {
      const r = await request<AuthResponse | User>('GET', '/api/auth/me');
      return 'user' in r && r.user ? r.user : (r as User);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  async users(q = ''): Promise<UserWithPresence[]> {
    const params = new URLSearchParams({ limit: '100' });
    if (q) params.set('q', q);
    const r = await request<unknown>('GET', `/api/users?${params}`);
    return listOf<UserWithPresence>(r, 'users', 'items');
  },
  async user(id: string): Promise<UserWithPresence> {
    const r = await request<UserWithPresence | { user: UserWithPresence }>('GET', `/api/users/${encodeURIComponent(id)}`);
    return 'user' in r ? r.user : r;
  },
  async updateProfile(displayName: string): Promise<User> {
    const r = await request<User | { user: User }>('PUT', '/api/me/profile', { displayName });
    return 'user' in r ? r.user : r;
  },
  async uploadAvatar(file: Blob): Promise<User | undefined> {
    const r = await request<User | { user: User } | undefined>('PUT', '/api/me/avatar', file);
    if (!r) return undefined;
    return 'user' in r ? r.user : 'id' in r ? r : undefined;
  },
  async conversations(): Promise<ConversationSummary[]> {
    const r = await request<unknown>('GET', '/api/conversations');
    return listOf<ConversationSummary>(r, 'conversations', 'items');
  },
  async createDirect(userId: string): Promise<Conversation> {
    return unwrapConversation(await request('POST', '/api/conversations', { kind: 'direct', members: [userId] }));
  },
  async createGroup(title: string, members: string[]): Promise<Conversation> {
    return unwrapConversation(await request('POST', '/api/conversations', { kind: 'group', title, members }));
  },
  async readMarkers(conversationId: string): Promise<{ userId: string; seq: number }[]> {
    const r = await request<unknown>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/read`);
    return listOf<{ userId: string; seq: number }>(r, 'markers', 'items');
  },
  async addMember(conversationId: string, userId: string): Promise<Conversation> {
    return unwrapConversation(
      await request('POST', `/api/conversations/${encodeURIComponent(conversationId)}/members`, { userId }),
    );
  },
  async removeMember(conversationId: string, userId: string): Promise<Conversation> {
    return unwrapConversation(
      await request('DELETE', `/api/conversations/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(userId)}`),
    );
  },
  async setMemberRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<Conversation> {
    return unwrapConversation(
      await request('PUT', `/api/conversations/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(userId)}`, { role }),
    );
  },
  leave: (conversationId: string) =>
    request<void>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/leave`),
  async history(conversationId: string, query: { before?: number; after?: number; limit: number }): Promise<HistoryPage> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.after !== undefined) params.set('after', String(query.after));
    const r = await request<unknown>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages?${params}`);
    const messages = listOf<Message>(r, 'messages', 'items');
    const hasMore = r && typeof r === 'object' && 'hasMore' in r ? Boolean((r as { hasMore: unknown }).hasMore) : undefined;
    return { messages, hasMore };
  },
};

function unwrapConversation(r: unknown): Conversation {
  const o = r as Record<string, unknown>;
  if (o && typeof o === 'object' && o.conversation && typeof o.conversation === 'object') {
    return o.conversation as Conversation;
  }
  return r as Conversation;
}

/** The URL of a user's avatar; the avatar id makes a new picture a new URL. */
export function avatarUrl(userId: string, avatarId: string | undefined): string | null {
  if (!avatarId) return null;
  return `/api/users/${encodeURIComponent(userId)}/avatar?v=${encodeURIComponent(avatarId)}`;
}
