import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../lib/api';
import { startSession } from '../../app/services';

type Mode = 'login' | 'signup';

/** Sign-in and sign-up form. The server answers with an httpOnly cookie; nothing is stored here. */
export function AuthScreen() {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const user =
        mode === 'signup'
          ? await api.signup(username.trim(), password, displayName.trim() || username.trim())
          : await api.login(username.trim(), password);
      startSession(user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="min-h-dvh grid place-items-center bg-base-200 p-4">
      <form onSubmit={submit} className="card bg-base-100 shadow-xl w-full max-w-sm" aria-labelledby="auth-title" data-testid="auth-form">
        <div className="card-body gap-3">
          <h1 id="auth-title" className="card-title text-2xl">
            {mode === 'login' ? 'Sign in' : 'Create an account'}
          </h1>
          <div role="tablist" className="tabs tabs-box">
            <button type="button" role="tab" aria-selected={mode === 'login'} className={`tab flex-1 ${mode === 'login' ? 'tab-active' : ''}`}
              data-testid="auth-mode-login" onClick={() => setMode('login')}>Sign in</button>
            <button type="button" role="tab" aria-selected={mode === 'signup'} className={`tab flex-1 ${mode === 'signup' ? 'tab-active' : ''}`}
              data-testid="auth-mode-signup" onClick={() => setMode('signup')}>Sign up</button>
          </div>
          <label className="form-control w-full">
            <span className="label-text">Username</span>
            <input className="input input-bordered w-full" autoComplete="username" required minLength={3} maxLength={32}
              pattern="[A-Za-z0-9_.\-]+" title="3 to 32 letters, digits, _ . or -"
              value={username} onChange={(e) => setUsername(e.target.value)} data-testid="auth-username" />
          </label>
          {mode === 'signup' && (
            <label className="form-control w-full">
              <span className="label-text">Display name</span>
              <input className="input input-bordered w-full" autoComplete="name" maxLength={64}
                value={displayName} onChange={(e) => setDisplayName(e.target.value)} data-testid="auth-displayname" />
            </label>
          )}
          <label className="form-control w-full">
            <span className="label-text">Password</span>
            <input className="input input-bordered w-full" type="password" required minLength={mode === 'signup' ? 8 : 1}
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              value={password} onChange={(e) => setPassword(e.target.value)} data-testid="auth-password" />
          </label>
          {error && (
            <div role="alert" className="alert alert-error text-sm" data-testid="auth-error">
              {error}
            </div>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="auth-submit">
            {busy && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            {mode === 'login' ? 'Sign in' : 'Sign up'}
          </button>
        </div>
      </form>
    </main>
  );
}
