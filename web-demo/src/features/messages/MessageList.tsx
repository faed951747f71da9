import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { history, loadReadMarkers } from '../../app/services';
import { dayKey, formatDay } from '../../lib/time';
import { useChat } from '../../stores';
import { MessageItem, OutgoingItem } from './MessageItem';

/** The messages of a conversation in seq order, with day separators; loads older pages at the top. */
export function MessageList({ conversationId }: { conversationId: string }) {
  const rows = useChat(
    useShallow((s) => {
      const cm = s.messages[conversationId];
      if (!cm) return [] as string[];
      // "seq|day" keys: enough to lay out rows and separators without re-rendering on edits.
      return cm.seqs.map((seq) => `${seq}|${dayKey(cm.bySeq[seq]!.createdAt)}|${cm.bySeq[seq]!.createdAt}`);
    }),
  );
  const outgoing = useChat(
    useShallow((s) => Object.values(s.outbox).filter((o) => o.conversationId === conversationId).map((o) => o.clientMsgId)),
  );
  const isGroup = useChat((s) => s.conversations[conversationId]?.conversation.kind === 'group');
  const hasMore = useChat((s) => s.messages[conversationId]?.hasMoreBefore ?? true);
  const loaded = useChat((s) => s.messages[conversationId]?.historyLoaded ?? false);

  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const prevHeight = useRef(0);
  const prevFirst = useRef<string | undefined>(undefined);

  useEffect(() => {
    stickToBottom.current = true;
    void history.loadLatest(conversationId);
    void loadReadMarkers(conversationId);
  }, [conversationId]);

  // Keep the view pinned to the bottom for new messages, and steady when older ones are prepended.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = rows[0];
    if (prevFirst.current !== undefined && first !== prevFirst.current && !stickToBottom.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevFirst.current = first;
    prevHeight.current = el.scrollHeight;
  }, [rows, outgoing]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    prevHeight.current = el.scrollHeight;
    if (el.scrollTop < 60 && hasMore && loaded) void history.loadOlder(conversationId);
  }

  let lastDay = '';
  return (
    <div ref={scroller} onScroll={onScroll} className="flex-1 overflow-y-auto px-3 py-2" data-testid="message-list"
      role="log" aria-live="polite" aria-label="Messages">
      {loaded && hasMore && rows.length > 0 && (
        <div className="text-center py-2">
          <button type="button" className="btn btn-ghost btn-xs" onClick={() => void history.loadOlder(conversationId)}
            data-testid="load-older">Load older messages</button>
        </div>
      )}
      {!loaded && <div className="text-center py-4"><span className="loading loading-dots" aria-label="Loading messages" /></div>}
      {rows.map((row) => {
        const [seqText, day, createdAt] = row.split('|') as [string, string, string];
        const showDay = day !== lastDay;
        lastDay = day;
        return (
          <Fragment key={seqText}>
            {showDay && day && (
              <div className="divider text-xs opacity-60" data-testid="day-separator" role="separator">{formatDay(createdAt)}</div>
            )}
            <MessageItem conversationId={conversationId} seq={Number(seqText)} showSender={isGroup} />
          </Fragment>
        );
      })}
      {outgoing.map((id) => (
        <OutgoingItem key={id} clientMsgId={id} />
      ))}
    </div>
  );
}
