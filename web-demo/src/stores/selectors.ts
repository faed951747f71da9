import type { ChatState } from './chatStore';
import type { ConversationEntry } from './conversationsSlice';
import type { OutgoingMessage } from './messagesSlice';

/**
 * Unread messages in a conversation: the server's count as of its snapshot, plus messages from
 * others received since, above this user's read marker. Counting by seq makes duplicates and
 * replays harmless.
 */
export function selectUnread(s: ChatState, conversationId: string): number {
  const entry = s.conversations[conversationId];
  if (!entry) return 0;
  const floor = Math.max(entry.unreadBaseSeq, entry.readSeq);
  let n = entry.readSeq >= entry.unreadBaseSeq ? 0 : entry.unreadBase;
  const cm = s.messages[conversationId];
  if (cm) {
    const me = s.me?.id;
    for (let i = cm.seqs.length - 1; i >= 0; i--) {
      const seq = cm.seqs[i]!;
      if (seq <= floor) break;
      const m = cm.bySeq[seq]!;
      if (m.senderId !== me && !m.deleted) n++;
    }
  }
  return n;
}

/** Conversation ids, most recently active first. */
export function selectConversationIds(s: ChatState): string[] {
  return Object.values(s.conversations)
    .sort((a, b) => activity(b).localeCompare(activity(a)))
    .map((e) => e.conversation.id);
}

function activity(e: ConversationEntry): string {
  return e.lastMessage?.createdAt ?? e.conversation.createdAt ?? '';
}

/** The sends of a conversation still waiting for an ack, oldest first. */
export function selectOutgoing(s: ChatState, conversationId: string): OutgoingMessage[] {
  return Object.values(s.outbox).filter((o) => o.conversationId === conversationId);
}

/** Display title: the group title, or the other member's name in a direct chat. */
export function conversationTitle(s: ChatState, conversationId: string): string {
  const entry = s.conversations[conversationId];
  if (!entry) return '';
  const c = entry.conversation;
  if (c.kind === 'group') return c.title || 'Group';
  const other = c.members.find((m) => m.userId !== s.me?.id);
  if (!other) return 'Just you';
  return s.users[other.userId]?.displayName ?? s.users[other.userId]?.username ?? 'Direct chat';
}

/** In a direct chat, the other member's id. */
export function directPeerId(s: ChatState, conversationId: string): string | null {
  const c = s.conversations[conversationId]?.conversation;
  if (!c || c.kind !== 'direct') return null;
  return c.members.find((m) => m.userId !== s.me?.id)?.userId ?? null;
}

/** Whether some other member's read marker reached seq. */
export function isSeenByOthers(s: ChatState, conversationId: string, seq: number): boolean {
  const entry = s.conversations[conversationId];
  if (!entry) return false;
  return Object.entries(entry.memberReads).some(([uid, r]) => uid !== s.me?.id && r >= seq);
}

/** Names of the others typing in a conversation right now. */
export function selectTypingNames(s: ChatState, conversationId: string): string {
  const byUser = s.typing[conversationId];
  if (!byUser) return '';
  return Object.keys(byUser)
    .filter((uid) => uid !== s.me?.id)
    .map((uid) => s.users[uid]?.displayName ?? 'Someone')
    .sort()
    .join(', ');
}
