import { useState, type FormEvent } from 'react';
import { client } from '../../app/services';
import { formatTime } from '../../lib/time';
import { useChat } from '../../stores';
import { isSeenByOthers } from '../../stores/selectors';
import { Avatar } from '../../components/Avatar';
import { MessageBody } from './MessageBody';

/** One stored message, addressed by conversation and seq. */
export function MessageItem({ conversationId, seq, showSender }: { conversationId: string; seq: number; showSender: boolean }) {
  const m = useChat((s) => s.messages[conversationId]?.bySeq[seq]);
  const own = useChat((s) => !!m && m.senderId === s.me?.id);
  const senderName = useChat((s) => (m ? (s.users[m.senderId]?.displayName ?? '') : ''));
  const seen = useChat((s) => own && isSeenByOthers(s, conversationId, seq));
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  if (!m) return null;

  function saveEdit(e: FormEvent) {
    e.preventDefault();
    const body = draft.trim();
    if (body && body !== m!.body) client.edit(conversationId, m!.id, body);
    setEditing(false);
  }

  const status = own ? (seen ? 'seen' : 'sent') : undefined;
  return (
    <div className={`group chat ${own ? 'chat-end' : 'chat-start'}`} data-testid="message" data-seq={seq}
      data-own={own ? 'true' : 'false'} data-status={status} data-deleted={m.deleted ? 'true' : 'false'}>
      <div className="chat-image">
        <Avatar userId={m.senderId} size="sm" />
      </div>
      <div className="chat-header text-xs opacity-70 flex gap-2">
        {showSender && !own && <span data-testid="message-sender">{senderName}</span>}
        <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
        {m.editedAt && !m.deleted && <span>(edited)</span>}
      </div>
      <div className={`chat-bubble ${own ? 'chat-bubble-primary' : ''} ${m.deleted ? 'italic opacity-60' : ''}`}>
        {m.deleted ? (
          <span data-testid="message-body">Message deleted</span>
        ) : editing ? (
          <form onSubmit={saveEdit} className="flex gap-1">
            <input className="input input-sm text-base-content" value={draft} autoFocus aria-label="Edit message"
              onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)} data-testid="edit-input" />
            <button type="submit" className="btn btn-sm">Save</button>
          </form>
        ) : (
          <MessageBody body={m.body} />
        )}
      </div>
      <div className="chat-footer text-xs opacity-70 flex gap-2 items-center">
        {status && <span data-testid="message-status">{status === 'seen' ? 'Seen' : 'Sent'}</span>}
        {own && !m.deleted && !editing && (
          <span className="flex gap-2 opacity-0 group-hover:opacity-100 focus-within:opacity-100">
            <button type="button" className="link link-hover" aria-label="Edit message" data-testid="edit-button"
              onClick={() => { setDraft(m.body); setEditing(true); }}>edit</button>
            <button type="button" className="link link-hover" aria-label="Delete message" data-testid="delete-button"
              onClick={() => client.remove(conversationId, m.id)}>delete</button>
          </span>
        )}
      </div>
    </div>
  );
}

/** One of this user's sends still waiting for the server: "sending", or "failed" with retry. */
export function OutgoingItem({ clientMsgId }: { clientMsgId: string }) {
  const out = useChat((s) => s.outbox[clientMsgId]);
  const meId = useChat((s) => s.me?.id ?? '');
  if (!out) return null;
  return (
    <div className="chat chat-end" data-testid="message" data-own="true" data-status={out.status} data-client-msg-id={clientMsgId}>
      <div className="chat-image">
        <Avatar userId={meId} size="sm" />
      </div>
      <div className={`chat-bubble chat-bubble-primary ${out.status === 'sending' ? 'opacity-70' : 'chat-bubble-error'}`}>
        <MessageBody body={out.body} />
      </div>
      <div className="chat-footer text-xs flex gap-2 items-center">
        {out.status === 'sending' ? (
          <span data-testid="message-status" className="opacity-70">Sending…</span>
        ) : (
          <>
            <span data-testid="message-status" className="text-error" title={out.error}>Failed</span>
            <button type="button" className="link" data-testid="retry-button" onClick={() => client.retry(clientMsgId)}>retry</button>
            <button type="button" className="link opacity-70" onClick={() => client.discard(clientMsgId)}>discard</button>
          </>
        )}
      </div>
    </div>
  );
}
