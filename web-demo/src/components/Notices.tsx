import { useEffect } from 'react';
import { useChat } from '../stores';
import { useShallow } from 'zustand/react/shallow';
import { chatStore } from '../stores';

/** Toasts for errors and information; each goes away by itself after a few seconds. */
export function Notices() {
  const notices = useChat(useShallow((s) => s.notices));
  useEffect(() => {
    if (notices.length === 0) return;
    const oldest = notices[0]!;
    const t = setTimeout(() => chatStore.getState().dismissNotice(oldest.id), 6000);
    return () => clearTimeout(t);
  }, [notices]);
  if (notices.length === 0) return null;
  return (
    <div className="toast toast-top toast-center top-14 z-50" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`alert ${n.kind === 'error' ? 'alert-error' : 'alert-info'}`} data-testid="notice">
          <span>{n.text}</span>
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            aria-label="Dismiss"
            onClick={() => chatStore.getState().dismissNotice(n.id)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
