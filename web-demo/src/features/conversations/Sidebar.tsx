import { useEffect, useState } from 'react';
import { refreshUsers } from '../../app/services';
import { ConversationList } from './ConversationList';
import { NewGroupDialog } from './NewGroupDialog';
import { PeopleList } from './PeopleList';

type Tab = 'chats' | 'people';

/** Conversations and people, with search, an online-only toggle and group creation. */
export function Sidebar() {
  const [tab, setTab] = useState<Tab>('chats');
  const [query, setQuery] = useState('');
  const [onlineOnly, setOnlineOnly] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);

  // Searching people asks the server too, so people not yet listed show up.
  useEffect(() => {
    if (tab !== 'people') return;
    const t = setTimeout(() => void refreshUsers(query.trim()), 250);
    return () => clearTimeout(t);
  }, [query, tab]);

  return (
    <aside className="flex flex-col h-full min-h-0 bg-base-100" aria-label="Sidebar">
      <div className="p-3 flex flex-col gap-2 border-b border-base-300">
        <div role="tablist" className="tabs tabs-box">
          <button type="button" role="tab" aria-selected={tab === 'chats'} className={`tab flex-1 ${tab === 'chats' ? 'tab-active' : ''}`}
            data-testid="tab-chats" onClick={() => setTab('chats')}>Chats</button>
          <button type="button" role="tab" aria-selected={tab === 'people'} className={`tab flex-1 ${tab === 'people' ? 'tab-active' : ''}`}
            data-testid="tab-people" onClick={() => setTab('people')}>People</button>
        </div>
        <input type="search" className="input input-bordered input-sm w-full" placeholder="Search by name"
          aria-label="Search by name" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="search-input" />
        <div className="flex items-center justify-between">
          <label className="label cursor-pointer gap-2 text-sm">
            <input type="checkbox" className="toggle toggle-sm toggle-success" checked={onlineOnly}
              onChange={(e) => setOnlineOnly(e.target.checked)} data-testid="online-only-toggle" />
            Online only
          </label>
          <button type="button" className="btn btn-sm btn-outline" onClick={() => setGroupOpen(true)} data-testid="new-group-button">
            New group
          </button>
        </div>
      </div>
      <div className="flex-1 overflow-y-auto">
        {tab === 'chats' ? <ConversationList filter={query} /> : <PeopleList filter={query} onlineOnly={onlineOnly} />}
      </div>
      <NewGroupDialog open={groupOpen} onClose={() => setGroupOpen(false)} />
    </aside>
  );
}
