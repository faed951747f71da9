import { createStore, type StoreApi } from 'zustand/vanilla';
import { createConversationsSlice, type ConversationsSlice } from './conversationsSlice';
import { createMessagesSlice, type MessagesSlice } from './messagesSlice';
import { createPresenceSlice, type PresenceSlice } from './presenceSlice';
import { createSessionSlice, type SessionSlice } from './sessionSlice';

/** The one client-side store: every slice of the chat state. */
export type ChatState = SessionSlice & ConversationsSlice & MessagesSlice & PresenceSlice & {
  /** Forgets everything about the signed-in user (logout, lost session). */
  resetAll: () => void;
};

export type ChatStore = StoreApi<ChatState>;

/** Creates a fresh store; the app makes one, tests make one each. */
export function createChatStore(): ChatStore {
  return createStore<ChatState>()((set, get, api) => {
    const initial = {
      ...createSessionSlice(set, get, api),
      ...createConversationsSlice(set, get, api),
      ...createMessagesSlice(set, get, api),
      ...createPresenceSlice(set, get, api),
    };
    return {
      ...initial,
      resetAll: () =>
        set({
          me: null,
          auth: 'anonymous',
          connection: 'idle',
          view: 'chat',
          conversations: {},
          activeConversationId: null,
          messages: {},
          outbox: {},
          cursors: {},
          users: {},
          presence: {},
          typing: {},
        }),
    };
  });
}
