import { useShallow } from 'zustand/react/shallow';
import { chatStore, useChat } from '../../stores';
import { conversationTitle, directPeerId, selectConversationIds, selectUnread } from '../../stores/selectors';
import { Avatar } from '../../components/Avatar';

function ConversationRow({ id }: { id: string }) {
  const title = useChat((s) => conversationTitle(s, id));
  const peer = useChat((s) => directPeerId(s, id));
  const kind = useChat((s) => s.conversations[id]?.conversation.kind);
  const preview = useChat((s) => {
    const m = s.conversations[id]?.lastMessage;
    if (!m) return '';
    return m.deleted ? 'Message deleted' : m.body;
  });
  const unread = useChat((s) => selectUnread(s, id));
  const active = useChat((s) => s.activeConversationId === id);
  return (
    <li>
      <button
        type="button"
        className={`flex w-full items-center gap-3 text-left ${active ? 'menu-active' : ''}`}
        data-testid="conversation-item"
        data-conversation-id={id}
        aria-current={active ? 'true' : undefined}
        onClick={() => chatStore.getState().openConversation(id)}
      >
        {peer ? (
          <Avatar userId={peer} showPresence />
        ) : (
          <div className="w-10 h-10 rounded-full bg-secondary text-secondary-content grid place-items-center" aria-hidden="true">
            {kind === 'group' ? '#' : '?'}
          </div>
        )}
        <span className="flex-1 min-w-0">
          <span className="block font-medium truncate" data-testid="conversation-title">{title}</span>
          <span className="block text-xs opacity-60 truncate">{preview}</span>
        </span>
        {unread > 0 && (
          <span className="badge badge-primary badge-sm" data-testid="unread-badge" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )}
      </button>
    </li>
  );
}

export function ConversationList({ filter }: { filter: string }) {
  const ids = useChat(
    useShallow((s) => {
      const q = filter.trim().toLowerCase();
      return selectConversationIds(s).filter((id) => !q || conversationTitle(s, id).toLowerCase().includes(q));
    }),
  );
  if (ids.length === 0) {
    return <p className="p-4 text-sm opacity-60">No conversations yet. Pick someone under People to start one.</p>;
  }
  return (
    <ul className="menu w-full" aria-label="Conversations">
      {ids.map((id) => (
        <ConversationRow key={id} id={id} />
      ))}
    </ul>
  );
}
