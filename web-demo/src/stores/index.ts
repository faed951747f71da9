import { useStore } from 'zustand';
import { createChatStore, type ChatState } from './chatStore';

/** The app's store. Tests create their own with createChatStore(). */
export const chatStore = createChatStore();

/** Reads a small slice of the app's store; re-renders only when that slice changes. */
export function useChat<T>(selector: (s: ChatState) => T): T {
  return useStore(chatStore, selector);
}

export type { ChatState, ChatStore } from './chatStore';
export { createChatStore } from './chatStore';
