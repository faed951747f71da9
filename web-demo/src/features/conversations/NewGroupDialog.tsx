import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useChat } from '../../stores';
import { createGroup } from './actions';

/** A modal to create a group: a title and at least one other member. */
export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const people = useChat(
    useShallow((s) =>
      Object.values(s.users)
        .filter((u) => u.id !== s.me?.id)
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((u) => `${u.id}\u0000${u.displayName}\u0000${u.username}`),
    ),
  );

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!title.trim()) return setError('Give the group a title.');
    if (members.length === 0) return setError('Pick at least one member.');
    setBusy(true);
    const err = await createGroup(title.trim(), members);
    setBusy(false);
    if (err) return setError(err);
    setTitle('');
    setMembers([]);
    setError(null);
    onClose();
  }

  return (
    <dialog ref={ref} className="modal" onClose={onClose} aria-labelledby="new-group-title" data-testid="new-group-dialog">
      <form className="modal-box flex flex-col gap-3" onSubmit={submit}>
        <h2 id="new-group-title" className="font-bold text-lg">New group</h2>
        <label className="form-control">
          <span className="label-text">Title</span>
          <input className="input input-bordered w-full" maxLength={100} value={title}
            onChange={(e) => setTitle(e.target.value)} data-testid="group-title" />
        </label>
        <fieldset className="max-h-64 overflow-y-auto">
          <legend className="label-text mb-1">Members</legend>
          {people.map((p) => {
            const [id, name, username] = p.split('\u0000') as [string, string, string];
            return (
              <label key={id} className="flex items-center gap-2 py-1 cursor-pointer">
                <input type="checkbox" className="checkbox checkbox-sm" checked={members.includes(id)}
                  data-testid="group-member-option" data-username={username}
                  onChange={(e) => setMembers((m) => (e.target.checked ? [...m, id] : m.filter((x) => x !== id)))} />
                <span>{name}</span>
                <span className="opacity-50 text-xs">@{username}</span>
              </label>
            );
          })}
        </fieldset>
        {error && <div role="alert" className="alert alert-error text-sm">{error}</div>}
        <div className="modal-action">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="group-create">Create</button>
        </div>
      </form>
    </dialog>
  );
}
