import { useShallow } from 'zustand/react/shallow';
import { useChat } from '../../stores';
import { Avatar } from '../../components/Avatar';
import { LastSeen } from '../presence/LastSeen';
import { openDirectChat } from './actions';

function PersonRow({ userId }: { userId: string }) {
  const name = useChat((s) => s.users[userId]?.displayName ?? s.users[userId]?.username ?? '');
  const username = useChat((s) => s.users[userId]?.username ?? '');
  return (
    <li>
      <button
        type="button"
        className="flex w-full items-center gap-3 text-left"
        data-testid="person-item"
        data-user-id={userId}
        data-username={username}
        aria-label={`Chat with ${name}`}
        onClick={() => void openDirectChat(userId)}
      >
        <Avatar userId={userId} showPresence />
        <span className="flex-1 min-w-0">
          <span className="block font-medium truncate">{name}</span>
          <span className="block text-xs truncate">
            <LastSeen userId={userId} />
          </span>
        </span>
      </button>
    </li>
  );
}

/** Everyone but the signed-in user: online first, then by name. */
export function PeopleList({ filter, onlineOnly }: { filter: string; onlineOnly: boolean }) {
  const ids = useChat(
    useShallow((s) => {
      const q = filter.trim().toLowerCase();
      return Object.values(s.users)
        .filter((u) => u.id !== s.me?.id)
        .filter((u) => !onlineOnly || s.presence[u.id]?.online)
        .filter((u) => !q || u.displayName.toLowerCase().includes(q) || u.username.toLowerCase().includes(q))
        .sort((a, b) => {
          const oa = s.presence[a.id]?.online ? 0 : 1;
          const ob = s.presence[b.id]?.online ? 0 : 1;
          return oa - ob || a.displayName.localeCompare(b.displayName);
        })
        .map((u) => u.id);
    }),
  );
  if (ids.length === 0) {
    return <p className="p-4 text-sm opacity-60">{onlineOnly ? 'Nobody else is online.' : 'Nobody found.'}</p>;
  }
  return (
    <ul className="menu w-full" aria-label="People">
      {ids.map((id) => (
        <PersonRow key={id} userId={id} />
      ))}
    </ul>
  );
}
