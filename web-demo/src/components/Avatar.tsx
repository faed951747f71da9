import { useState } from 'react';
import { avatarUrl } from '../lib/api';
import { useChat } from '../stores';

const SIZES = { sm: 'w-8 h-8 text-xs', md: 'w-10 h-10 text-sm', lg: 'w-24 h-24 text-2xl' } as const;

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? parts[0]![0]! + parts[1]![0]! : (parts[0] ?? '?').slice(0, 2)).toUpperCase();
}

/** A user's picture (or initials), with a green dot when `showPresence` and the user is online. */
export function Avatar({
  userId,
  size = 'md',
  showPresence = false,
}: {
  userId: string;
  size?: keyof typeof SIZES;
  showPresence?: boolean;
}) {
  const name = useChat((s) => s.users[userId]?.displayName ?? s.users[userId]?.username ?? '?');
  const avatarId = useChat((s) => s.users[userId]?.avatarId);
  const online = useChat((s) => s.presence[userId]?.online ?? false);
  const src = avatarUrl(userId, avatarId);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <div className="relative shrink-0">
      <div className={`${SIZES[size]} rounded-full overflow-hidden bg-neutral text-neutral-content grid place-items-center`}>
        {src && failed !== src ? (
          <img
            src={src}
            alt={`${name}'s avatar`}
            data-testid="avatar-img"
            className="w-full h-full object-cover"
            onError={() => setFailed(src)}
          />
        ) : (
          <span aria-hidden="true">{initials(name)}</span>
        )}
      </div>
      {showPresence && (
        <span
          data-testid="presence-dot"
          data-online={online ? 'true' : 'false'}
          aria-label={online ? 'online' : 'offline'}
          className={`absolute bottom-0 right-0 w-3 h-3 rounded-full ring-2 ring-base-100 ${online ? 'bg-success' : 'bg-base-300'}`}
        />
      )}
    </div>
  );
}
