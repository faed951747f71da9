import { api, ApiError } from '../../lib/api';
import { chatStore } from '../../stores';

/** Opens the direct chat with a user, creating it on the server the first time. */
export async function openDirectChat(userId: string): Promise<void> {
  const s = chatStore.getState();
  const existing = Object.values(s.conversations).find(
    (e) => e.conversation.kind === 'direct' && e.conversation.members.some((m) => m.userId === userId),
  );
  if (existing) {
    s.openConversation(existing.conversation.id);
    return;
  }
  try {
    const conversation = await api.createDirect(userId);
    const state = chatStore.getState();
    state.upsertConversation(conversation);
    state.initCursor(conversation.id, 0);
    state.openConversation(conversation.id);
  } catch (e) {
    chatStore.getState().notify('error', e instanceof ApiError ? e.message : 'Could not open the chat.');
  }
}

/** Creates a group and opens it. Returns an error text, or null on success. */
export async function createGroup(title: string, members: string[]): Promise<string | null> {
  try {
    const conversation = await api.createGroup(title, members);
    const state = chatStore.getState();
    state.upsertConversation(conversation);
    state.initCursor(conversation.id, 0);
    state.openConversation(conversation.id);
    return null;
  } catch (e) {
    return e instanceof ApiError ? e.message : 'Could not create the group.';
  }
}
