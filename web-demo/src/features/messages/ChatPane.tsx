import { useEffect, useState } from 'react';
import { client } from '../../app/services';
import { chatStore, useChat } from '../../stores';
import { conversationTitle, directPeerId, selectTypingNames } from '../../stores/selectors';
import { Avatar } from '../../components/Avatar';
import { LastSeen } from '../presence/LastSeen';
import { MembersDialog } from '../conversations/MembersDialog';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

function useMarkReadWhileVisible(conversationId: string) {
  const lastSeq = useChat((s) => s.conversations[conversationId]?.lastSeq ?? 0);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState === 'visible') client.markRead(conversationId, chatStore.getState().conversations[conversationId]?.lastSeq ?? 0);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    window.addEventListener('focus', mark);
    return () => {
      document.removeEventListener('visibilitychange', mark);
      window.removeEventListener('focus', mark);
    };
  }, [conversationId, lastSeq]);
}

/** The open conversation: header, messages, typing indicator and composer. */
export function ChatPane({ conversationId }: { conversationId: string }) {
  const title = useChat((s) => conversationTitle(s, conversationId));
  const peer = useChat((s) => directPeerId(s, conversationId));
  const memberCount = useChat((s) => s.conversations[conversationId]?.conversation.members.length ?? 0);
  const typing = useChat((s) => selectTypingNames(s, conversationId));
  const [membersOpen, setMembersOpen] = useState(false);
  useMarkReadWhileVisible(conversationId);

  return (
    <section className="flex flex-col h-full min-h-0" data-testid="chat-pane" aria-label={`Chat: ${title}`}>
      <header className="flex items-center gap-3 p-3 border-b border-base-300 bg-base-100">
        <button type="button" className="btn btn-ghost btn-sm md:hidden" aria-label="Back to conversations"
          data-testid="back-button" onClick={() => chatStore.getState().openConversation(null)}>←</button>
        {peer && <Avatar userId={peer} showPresence />}
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold truncate" data-testid="chat-title">{title}</h2>
          <p className="text-xs" data-testid="chat-subtitle">
            {peer ? <LastSeen userId={peer} /> : <span className="opacity-60">{memberCount} members</span>}
          </p>
        </div>
        {!peer && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setMembersOpen(true)} data-testid="members-button">
            Members
          </button>
        )}
      </header>
      {!peer && <MembersDialog conversationId={conversationId} open={membersOpen} onClose={() => setMembersOpen(false)} />}
      <MessageList conversationId={conversationId} />
      <div className="h-5 px-4 text-xs opacity-70" aria-live="polite">
        {typing && <span data-testid="typing-indicator">{typing} {typing.includes(',') ? 'are' : 'is'} typing…</span>}
      </div>
      <Composer conversationId={conversationId} />
    </section>
  );
}
