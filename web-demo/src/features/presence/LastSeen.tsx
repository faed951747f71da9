import { useEffect, useState } from 'react';
import { formatLastSeen } from '../../lib/time';
import { useChat } from '../../stores';

/** "online" or "last seen …" for a user, refreshed every half minute. */
export function LastSeen({ userId }: { userId: string }) {
  const online = useChat((s) => s.presence[userId]?.online ?? false);
  const lastSeen = useChat((s) => s.presence[userId]?.lastSeen ?? s.users[userId]?.lastSeenAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (online) return;
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [online]);
  return (
    <span data-testid="last-seen" data-online={online ? 'true' : 'false'} className={online ? 'text-success' : 'opacity-60'}>
      {online ? 'online' : formatLastSeen(lastSeen, now)}
    </span>
  );
}
