import { useChat } from '../../stores';

/** Tells the user when live updates are paused and that the app is reconnecting. */
export function ConnectionBanner() {
  const connection = useChat((s) => s.connection);
  const waitMs = useChat((s) => s.reconnectInMs);
  if (connection === 'online' || connection === 'idle') return null;
  const text =
    connection === 'connecting'
      ? 'Connecting…'
      : `Offline — reconnecting${waitMs > 0 ? ` in ${Math.ceil(waitMs / 1000)} s` : '…'}. Messages you send will go out when the connection is back.`;
  return (
    <div role="status" aria-live="polite" data-testid="connection-banner" data-state={connection}
      className="alert alert-warning rounded-none py-1 text-sm justify-center">
      <span className="loading loading-spinner loading-xs" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
