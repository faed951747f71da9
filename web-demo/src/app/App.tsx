import { useEffect } from 'react';
import { chatStore, useChat } from '../stores';
import { selectUnread } from '../stores/selectors';
import { AuthScreen } from '../features/auth/AuthScreen';
import { Sidebar } from '../features/conversations/Sidebar';
import { ChatPane } from '../features/messages/ChatPane';
import { ConnectionBanner } from '../features/presence/ConnectionBanner';
import { ProfilePage } from '../features/profile/ProfilePage';
import { SettingsPage } from '../features/profile/SettingsPage';
import { Avatar } from '../components/Avatar';
import { Notices } from '../components/Notices';
import { bootstrap, logout } from './services';

function NavBar() {
  const me = useChat((s) => s.me);
  const view = useChat((s) => s.view);
  const setView = (v: 'chat' | 'profile' | 'settings') => chatStore.getState().setView(v);
  return (
    <nav className="navbar bg-base-200 border-b border-base-300 gap-2 min-h-0 py-1" aria-label="Main">
      <div className="flex-1">
        <button type="button" className="btn btn-ghost text-lg" onClick={() => setView('chat')} data-testid="nav-chats"
          aria-current={view === 'chat' ? 'page' : undefined}>Chat</button>
      </div>
      {me && (
        <div className="flex items-center gap-1">
          <button type="button" className="btn btn-ghost btn-sm gap-2" onClick={() => setView('profile')} data-testid="nav-profile"
            aria-current={view === 'profile' ? 'page' : undefined} aria-label="Profile">
            <Avatar userId={me.id} size="sm" />
            <span className="hidden sm:inline" data-testid="me-name">{me.displayName}</span>
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setView('settings')} data-testid="nav-settings"
            aria-current={view === 'settings' ? 'page' : undefined}>Settings</button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void logout()} data-testid="nav-logout">Log out</button>
        </div>
      )}
    </nav>
  );
}

function Shell() {
  const view = useChat((s) => s.view);
  const active = useChat((s) => s.activeConversationId);
  const showPane = view !== 'chat' || active !== null;
  return (
    <div className="h-dvh flex flex-col">
      <NavBar />
      <ConnectionBanner />
      <div className="flex-1 flex min-h-0">
        <div className={`${showPane ? 'hidden md:flex' : 'flex'} w-full md:w-80 md:border-r border-base-300 flex-col min-h-0`}>
          <Sidebar />
        </div>
        <main className={`${showPane ? 'flex' : 'hidden md:flex'} flex-1 flex-col min-h-0 bg-base-200`}>
          {view === 'profile' ? (
            <ProfilePage />
          ) : view === 'settings' ? (
            <SettingsPage />
          ) : active ? (
            <ChatPane key={active} conversationId={active} />
          ) : (
            <div className="m-auto opacity-60 p-6 text-center" data-testid="empty-pane">Pick a conversation, or a person under People.</div>
          )}
        </main>
      </div>
    </div>
  );
}

/** Shows the number of unread messages in the tab title. */
function useUnreadTitle() {
  const unread = useChat((s) => Object.keys(s.conversations).reduce((n, id) => n + selectUnread(s, id), 0));
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Chat` : 'Chat';
  }, [unread]);
}

export function App() {
  const auth = useChat((s) => s.auth);
  useEffect(() => {
    void bootstrap();
  }, []);
  useUnreadTitle();
  return (
    <>
      {auth === 'unknown' ? (
        <div className="min-h-dvh grid place-items-center" role="status">
          <span className="loading loading-spinner loading-lg" aria-label="Loading" />
        </div>
      ) : auth === 'anonymous' ? (
        <AuthScreen />
      ) : (
        <Shell />
      )}
      <Notices />
    </>
  );
}
