import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError } from '../../lib/api';
import { chatStore, useChat } from '../../stores';
import { Avatar } from '../../components/Avatar';

export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif'];

/** Checks a picked file before upload; the server checks again (size, sniffed type, dimensions). */
export function avatarFileError(file: { size: number; type: string }): string | null {
  if (!AVATAR_TYPES.includes(file.type)) return 'Pick a PNG, JPEG or GIF image.';
  if (file.size > MAX_AVATAR_BYTES) return 'The picture must be at most 5 MiB.';
  return null;
}

/** Display name, profile picture and account facts of the signed-in user. */
export function ProfilePage() {
  const me = useChat((s) => s.me);
  const [name, setName] = useState(me?.displayName ?? '');
  const [nameStatus, setNameStatus] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [avatarError, setAvatarError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  if (!me) return null;

  async function saveName(e: FormEvent) {
    e.preventDefault();
    setNameStatus(null);
    try {
      const user = await api.updateProfile(name.trim());
      chatStore.getState().setMe(user);
      chatStore.getState().upsertUsers([user]);
      setNameStatus('Saved.');
    } catch (err) {
      setNameStatus(err instanceof ApiError ? err.message : 'Could not save.');
    }
  }

  function pick(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0] ?? null;
    setAvatarError(null);
    setPreview(null);
    setFile(null);
    if (!f) return;
    const err = avatarFileError(f);
    if (err) return setAvatarError(err);
    setFile(f);
  }

  async function upload() {
    if (!file || !me) return;
    setBusy(true);
    setAvatarError(null);
    try {
      const updated = (await api.uploadAvatar(file)) ?? (await api.me());
      if (updated) {
        chatStore.getState().setMe(updated);
        chatStore.getState().upsertUsers([updated]);
      }
      setFile(null);
      setPreview(null);
      chatStore.getState().notify('info', 'Profile picture updated.');
    } catch (err) {
      setAvatarError(err instanceof ApiError ? err.message : 'Upload failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="p-4 max-w-xl mx-auto w-full flex flex-col gap-6 overflow-y-auto" aria-labelledby="profile-title" data-testid="profile-page">
      <h2 id="profile-title" className="text-2xl font-bold">Profile</h2>
      <div className="flex items-center gap-4">
        <Avatar userId={me.id} size="lg" />
        <div>
          <p className="font-semibold text-lg">{me.displayName}</p>
          <p className="opacity-60">@{me.username}</p>
          {me.createdAt && (
            <p className="text-sm opacity-60" data-testid="member-since">
              Member since {new Date(me.createdAt).toLocaleDateString([], { year: 'numeric', month: 'long', day: 'numeric' })}
            </p>
          )}
        </div>
      </div>

      <form onSubmit={saveName} className="flex flex-col gap-2">
        <label className="form-control">
          <span className="label-text">Display name</span>
          <input className="input input-bordered w-full" required maxLength={64} value={name}
            onChange={(e) => setName(e.target.value)} data-testid="profile-displayname" />
        </label>
        <div className="flex items-center gap-3">
          <button type="submit" className="btn btn-primary btn-sm" data-testid="profile-save">Save name</button>
          {nameStatus && <span role="status" className="text-sm">{nameStatus}</span>}
        </div>
      </form>

      <div className="flex flex-col gap-2">
        <label className="form-control">
          <span className="label-text">Profile picture (PNG, JPEG or GIF, up to 5 MiB)</span>
          <input type="file" accept={AVATAR_TYPES.join(',')} className="file-input file-input-bordered w-full"
            onChange={pick} data-testid="avatar-file" />
        </label>
        {preview && (
          <div className="flex items-center gap-3">
            <img src={preview} alt="Preview of the new profile picture" className="w-24 h-24 rounded-full object-cover" data-testid="avatar-preview" />
            <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void upload()} data-testid="avatar-upload">
              {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}Upload
            </button>
          </div>
        )}
        {avatarError && <div role="alert" className="alert alert-error text-sm" data-testid="avatar-error">{avatarError}</div>}
      </div>
    </section>
  );
}
