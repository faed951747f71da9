import type { StateCreator } from 'zustand';
import type { Message } from '../lib/types';
import type { ChatState } from './chatStore';
import {
  EMPTY_CONVERSATION_MESSAGES,
  mergeMessages,
  modSeqOf,
  type ConversationMessages,
} from './messages';

export type OutgoingStatus = 'sending' | 'failed';

/** A message this client sent that the server has not acknowledged yet. */
export interface OutgoingMessage {
  clientMsgId: string;
  conversationId: string;
  body: string;
  createdAt: string;
  status: OutgoingStatus;
  error?: string;
}

export interface AckInfo {
  conversationId: string;
  clientMsgId: string;
  id: string;
  seq: number;
  modSeq?: number;
  createdAt: string;
}

export interface MessagesSlice {
  messages: Record<string, ConversationMessages>;
  /** Unacknowledged sends by clientMsgId, in the order they were made. */
  outbox: Record<string, OutgoingMessage>;
  /** Highest counter received from the server per conversation: the `sync` cursors. */
  cursors: Record<string, number>;
  /**
   * Merges messages by seq. `fromServerStream` marks messages that came over the socket
   * (live or replayed) so they advance the resume cursor; REST pages do not.
   */
  receiveMessages: (
    conversationId: string,
    messages: readonly Message[],
    fromServerStream: boolean,
  ) => void;
  /** Sets a cursor if none is known (a conversation first seen in `hello`). */
  initCursor: (conversationId: string, counter: number) => void;
  setHistoryState: (
    conversationId: string,
    state: Partial<Pick<ConversationMessages, 'hasMoreBefore' | 'historyLoaded'>>,
  ) => void;
  enqueueOutgoing: (message: OutgoingMessage) => void;
  markOutgoing: (clientMsgId: string, status: OutgoingStatus, error?: string) => void;
  /** Reconciles an `ack`: the outgoing copy becomes the stored message. */
  applyAck: (ack: AckInfo) => void;
}

export const createMessagesSlice: StateCreator<ChatState, [], [], MessagesSlice> = (set) => ({
  messages: {},
  outbox: {},
  cursors: {},
  receiveMessages: (conversationId, incoming, fromServerStream) =>
    set((s) => {
      if (incoming.length === 0) return {};
      const current = s.messages[conversationId] ?? EMPTY_CONVERSATION_MESSAGES;
      const merged = mergeMessages(current, incoming);
      const patch: Partial<ChatState> = {};
      if (merged !== current) patch.messages = { ...s.messages, [conversationId]: merged };

      // A stored copy of one of our sends settles it, whether the ack or the message came first.
      const meId = s.me?.id;
      let outbox: Record<string, OutgoingMessage> | null = null;
      for (const m of incoming) {
        if (m.clientMsgId && s.outbox[m.clientMsgId] && (!meId || m.senderId === meId)) {
          outbox ??= { ...s.outbox };
          delete outbox[m.clientMsgId];
        }
      }
      if (outbox) patch.outbox = outbox;

      if (fromServerStream) {
        const top = Math.max(...incoming.map(modSeqOf));
        if (top > (s.cursors[conversationId] ?? 0)) {
          patch.cursors = { ...s.cursors, [conversationId]: top };
        }
      }

      const entry = s.conversations[conversationId];
      if (entry) {
        const newest = incoming.reduce((a, b) => (b.seq > a.seq ? b : a));
        const lastMessageSeq = entry.lastMessage?.seq ?? -1;
        const replacesLast =
          newest.seq > lastMessageSeq ||
          (newest.seq === lastMessageSeq && modSeqOf(newest) > modSeqOf(entry.lastMessage!));
        if (replacesLast || newest.seq > entry.lastSeq) {
          patch.conversations = {
            ...s.conversations,
            [conversationId]: {
              ...entry,
              lastSeq: Math.max(entry.lastSeq, newest.seq),
              lastMessage: replacesLast ? newest : entry.lastMessage,
            },
          };
        }
      }
      return patch;
    }),
  initCursor: (conversationId, counter) =>
    set((s) =>
      conversationId in s.cursors ? {} : { cursors: { ...s.cursors, [conversationId]: counter } },
    ),
  setHistoryState: (conversationId, state) =>
    set((s) => ({
      messages: {
        ...s.messages,
        [conversationId]: { ...(s.messages[conversationId] ?? EMPTY_CONVERSATION_MESSAGES), ...state },
      },
    })),
  enqueueOutgoing: (message) => set((s) => ({ outbox: { ...s.outbox, [message.clientMsgId]: message } })),
  markOutgoing: (clientMsgId, status, error) =>
    set((s) => {
      const prev = s.outbox[clientMsgId];
      if (!prev) return {};
      return { outbox: { ...s.outbox, [clientMsgId]: { ...prev, status, error } } };
    }),
  applyAck: (ack) =>
    set((s) => {
      const pending = s.outbox[ack.clientMsgId];
      if (!pending) return {};
      const outbox = { ...s.outbox };
      delete outbox[ack.clientMsgId];
      const stored: Message = {
        id: ack.id,
        conversationId: ack.conversationId,
        seq: ack.seq,
        modSeq: ack.modSeq ?? ack.seq,
        senderId: s.me?.id ?? '',
        clientMsgId: ack.clientMsgId,
        body: pending.body,
        createdAt: ack.createdAt,
      };
      const current = s.messages[ack.conversationId] ?? EMPTY_CONVERSATION_MESSAGES;
      const merged = mergeMessages(current, [stored]);
      const entry = s.conversations[ack.conversationId];
      const patch: Partial<ChatState> = {
        outbox,
        messages: { ...s.messages, [ack.conversationId]: merged },
      };
      if (entry) {
        const own = Math.max(entry.readSeq, ack.seq);
        const isNewest = ack.seq >= (entry.lastMessage?.seq ?? -1);
        patch.conversations = {
          ...s.conversations,
          [ack.conversationId]: {
            ...entry,
            // Our own message is read by us by definition.
            readSeq: own,
            lastSeq: Math.max(entry.lastSeq, ack.seq),
            lastMessage: isNewest ? (merged.bySeq[ack.seq] ?? stored) : entry.lastMessage,
          },
        };
      }
      return patch;
    }),
});
