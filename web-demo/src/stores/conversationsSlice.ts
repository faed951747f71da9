import type { StateCreator } from 'zustand';
import type { Conversation, ConversationSummary, Message } from '../lib/types';
import type { ChatState } from './chatStore';

/** What the client knows about one conversation it is a member of. */
export interface ConversationEntry {
  conversation: Conversation;
  /** Highest seq known in the conversation. */
  lastSeq: number;
  /** This user's read marker. */
  readSeq: number;
  /** The server's unread count as of unreadBaseSeq (from hello or the REST list). */
  unreadBase: number;
  unreadBaseSeq: number;
  lastMessage?: Message;
  /** Other members' read markers learnt from `read` frames. */
  memberReads: Record<string, number>;
}

export interface ConversationsSlice {
  conversations: Record<string, ConversationEntry>;
  activeConversationId: string | null;
  applySummaries: (summaries: readonly ConversationSummary[]) => void;
  upsertConversation: (conversation: Conversation) => void;
  removeConversation: (conversationId: string) => void;
  openConversation: (conversationId: string | null) => void;
  /** Moves this user's read marker forward (never back). */
  setReadSeq: (conversationId: string, seq: number) => void;
  /** Records another member's (or this user's other session's) read marker. */
  applyRead: (conversationId: string, userId: string, seq: number) => void;
}

function newEntry(conversation: Conversation): ConversationEntry {
  const lastSeq = conversation.lastSeq ?? 0;
  return { conversation, lastSeq, readSeq: 0, unreadBase: 0, unreadBaseSeq: lastSeq, memberReads: {} };
}

export const createConversationsSlice: StateCreator<ChatState, [], [], ConversationsSlice> = (
  set,
) => ({
  conversations: {},
  activeConversationId: null,
  applySummaries: (summaries) =>
    set((s) => {
      const conversations = { ...s.conversations };
      for (const sum of summaries) {
        const id = sum.conversation.id;
        const prev = conversations[id];
        const lastSeq = Math.max(prev?.lastSeq ?? 0, sum.lastSeq);
        const lastMessage =
          prev?.lastMessage && (!sum.lastMessage || prev.lastMessage.seq > sum.lastMessage.seq)
            ? prev.lastMessage
            : (sum.lastMessage ?? prev?.lastMessage);
        conversations[id] = {
          conversation: sum.conversation,
          lastSeq,
          readSeq: Math.max(prev?.readSeq ?? 0, sum.readSeq),
          unreadBase: sum.unread,
          unreadBaseSeq: sum.lastSeq,
          lastMessage,
          memberReads: prev?.memberReads ?? {},
        };
      }
      return { conversations };
    }),
  upsertConversation: (conversation) =>
    set((s) => {
      const prev = s.conversations[conversation.id];
      return {
        conversations: {
          ...s.conversations,
          [conversation.id]: prev ? { ...prev, conversation } : newEntry(conversation),
        },
      };
    }),
  removeConversation: (conversationId) =>
    set((s) => {
      const conversations = { ...s.conversations };
      delete conversations[conversationId];
      return {
        conversations,
        activeConversationId:
          s.activeConversationId === conversationId ? null : s.activeConversationId,
      };
    }),
  openConversation: (activeConversationId) => set({ activeConversationId, view: 'chat' }),
  setReadSeq: (conversationId, seq) =>
    set((s) => {
      const prev = s.conversations[conversationId];
      if (!prev || seq <= prev.readSeq) return {};
      return { conversations: { ...s.conversations, [conversationId]: { ...prev, readSeq: seq } } };
    }),
  applyRead: (conversationId, userId, seq) =>
    set((s) => {
      const prev = s.conversations[conversationId];
      if (!prev) return {};
      if (s.me && userId === s.me.id) {
        if (seq <= prev.readSeq) return {};
        return { conversations: { ...s.conversations, [conversationId]: { ...prev, readSeq: seq } } };
      }
      if ((prev.memberReads[userId] ?? 0) >= seq) return {};
      return {
        conversations: {
          ...s.conversations,
          [conversationId]: { ...prev, memberReads: { ...prev.memberReads, [userId]: seq } },
        },
      };
    }),
});
