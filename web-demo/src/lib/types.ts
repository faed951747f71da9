// Wire shapes of protocol v1 (docs/PROTOCOL.md). Fields the server omits when null are optional.

export interface User {
  id: string;
  username: string;
  displayName: string;
  avatarId?: string;
  createdAt?: string;
  lastSeenAt?: string;
}

/** A user as listed by GET /api/users: the user plus presence. */
export interface UserWithPresence extends User {
  online?: boolean;
  lastSeen?: string;
}

export interface Attachment {
  id?: string;
  contentType?: string;
  name?: string;
  size?: number;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  modSeq?: number;
  senderId: string;
  clientMsgId?: string;
  body: string;
  attachments?: Attachment[];
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
}

export type ConversationKind = 'direct' | 'group';

export interface Member {
  userId: string;
  role: 'admin' | 'member';
  joinedAt?: string;
}

export interface Conversation {
  id: string;
  kind: ConversationKind;
  title?: string;
  members: Member[];
  createdAt?: string;
  lastSeq?: number;
}

export interface ConversationSummary {
  conversation: Conversation;
  lastSeq: number;
  readSeq: number;
  unread: number;
  lastMessage?: Message;
}

export type ServerFrame =
  | {
      type: 'hello';
      sessionId: string;
      user: User;
      serverTime: string;
      tokenExpiresAt?: string;
      heartbeatMs?: number;
      conversations: ConversationSummary[];
    }
  | { type: 'message'; message: Message }
  | {
      type: 'ack';
      ref?: string;
      conversationId: string;
      clientMsgId: string;
      id: string;
      seq: number;
      modSeq?: number;
      createdAt: string;
      duplicate?: boolean;
    }
  | { type: 'read'; conversationId: string; userId: string; seq: number }
  | { type: 'typing'; conversationId: string; userId: string; typing: boolean }
  | { type: 'presence'; userId: string; online: boolean; lastSeen?: string }
  | { type: 'conversation'; change: string; conversation: Conversation; userId?: string }
  | {
      type: 'error';
      code: string;
      message: string;
      ref?: string;
      clientMsgId?: string;
      retryable?: boolean;
      retryAfterMs?: number;
    }
  | { type: 'pong'; ref?: string; serverTime?: string }
  | { type: 'synced'; ref?: string; cursors?: Record<string, number> }
  | { type: 'reauth'; expiresAt: string }
  | { type: 'authenticated'; ref?: string; expiresAt: string }
  | { type: 'user'; user: User };

export type ClientFrame =
  | { type: 'send'; ref?: string; conversationId: string; clientMsgId: string; body: string }
  | { type: 'edit'; ref?: string; conversationId: string; messageId: string; body: string }
  | { type: 'delete'; ref?: string; conversationId: string; messageId: string }
  | { type: 'typing'; ref?: string; conversationId: string; typing: boolean }
  | { type: 'read'; ref?: string; conversationId: string; seq: number }
  | { type: 'sync'; ref?: string; cursors: Record<string, number> }
  | { type: 'ping'; ref?: string };
