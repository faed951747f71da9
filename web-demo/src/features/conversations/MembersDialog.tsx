import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, ApiError } from '../../lib/api';
import type { Conversation } from '../../lib/types';
import { chatStore, useChat } from '../../stores';
import { Avatar } from '../../components/Avatar';

/**
 * Members of a group: admins add and remove people and make others admins (or not); an admin may
 * step down while another admin remains; anyone can leave.
 */
export function MembersDialog({ conversationId, open, onClose }: { conversationId: string; open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [toAdd, setToAdd] = useState('');
  const members = useChat(
    useShallow((s) => s.conversations[conversationId]?.conversation.members.map((m) => `${m.userId}|${m.role}`) ?? []),
  );
  const iAmAdmin = useChat(
    (s) => s.conversations[conversationId]?.conversation.members.some((m) => m.userId === s.me?.id && m.role === 'admin') ?? false,
  );
  const meId = useChat((s) => s.me?.id);
  const adminCount = members.filter((m) => m.endsWith('|admin')).length;
  const candidates = useChat(
    useShallow((s) => {
      const inGroup = new Set(s.conversations[conversationId]?.conversation.members.map((m) => m.userId));
      return Object.values(s.users)
        .filter((u) => !inGroup.has(u.id))
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((u) => `${u.id}|${u.displayName}`);
    }),
  );
  const names = useChat(useShallow((s) => members.map((m) => s.users[m.split('|')[0]!]?.displayName ?? '…')));

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  async function run(action: () => Promise<Conversation | void>) {
    setError(null);
    try {
      const updated = await action();
      if (updated) chatStore.getState().upsertConversation(updated);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'That did not work.');
    }
  }

  return (
    <dialog ref={ref} className="modal" onClose={onClose} aria-labelledby="members-title" data-testid="members-dialog">
      <div className="modal-box flex flex-col gap-3">
        <h2 id="members-title" className="font-bold text-lg">Members</h2>
        <ul className="flex flex-col gap-2">
          {members.map((m, i) => {
            const [userId, role] = m.split('|') as [string, string];
            return (
              <li key={userId} className="flex items-center gap-3" data-testid="member-row">
                <Avatar userId={userId} size="sm" showPresence />
                <span className="flex-1">{names[i]}{userId === meId ? ' (you)' : ''}</span>
                {role === 'admin' && <span className="badge badge-ghost badge-sm" data-testid="admin-badge">admin</span>}
                {iAmAdmin && userId !== meId && (
                  <button type="button" className="btn btn-ghost btn-xs"
                    aria-label={role === 'admin' ? `Dismiss ${names[i]} as admin` : `Make ${names[i]} admin`}
                    onClick={() => void run(() => api.setMemberRole(conversationId, userId, role === 'admin' ? 'member' : 'admin'))}>
                    {role === 'admin' ? 'Dismiss as admin' : 'Make admin'}
                  </button>
                )}
                {iAmAdmin && userId === meId && adminCount > 1 && (
                  <button type="button" className="btn btn-ghost btn-xs" aria-label="Step down as admin"
                    onClick={() => void run(() => api.setMemberRole(conversationId, userId, 'member'))}>Step down</button>
                )}
                {iAmAdmin && userId !== meId && (
                  <button type="button" className="btn btn-ghost btn-xs" aria-label={`Remove ${names[i]}`}
                    onClick={() => void run(() => api.removeMember(conversationId, userId))}>Remove</button>
                )}
              </li>
            );
          })}
        </ul>
        {iAmAdmin && candidates.length > 0 && (
          <div className="flex gap-2">
            <select className="select select-bordered select-sm flex-1" aria-label="Person to add" value={toAdd}
              onChange={(e) => setToAdd(e.target.value)} data-testid="member-add-select">
              <option value="">Add someone…</option>
              {candidates.map((c) => {
                const [id, name] = c.split('|') as [string, string];
                return <option key={id} value={id}>{name}</option>;
              })}
            </select>
            <button type="button" className="btn btn-sm btn-primary" disabled={!toAdd} data-testid="member-add"
              onClick={() => void run(() => api.addMember(conversationId, toAdd)).then(() => setToAdd(''))}>Add</button>
          </div>
        )}
        {error && <div role="alert" className="alert alert-error text-sm">{error}</div>}
        <div className="modal-action">
          <button type="button" className="btn btn-outline btn-error btn-sm" data-testid="leave-group"
            onClick={() =>
              void run(async () => {
                await api.leave(conversationId);
                chatStore.getState().removeConversation(conversationId);
                onClose();
              })
            }>Leave group</button>
          <button type="button" className="btn btn-sm" onClick={onClose}>Close</button>
        </div>
      </div>
    </dialog>
  );
}
