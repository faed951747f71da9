/** Short clock time of an ISO instant, in the user's locale. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Local calendar day key (YYYY-MM-DD) of an ISO instant, for day separators. */
export function dayKey(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Today", "Yesterday" or a long date, for the separator of a day. */
export function formatDay(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
}

/** "last seen 5 min ago" style relative time. */
export function formatLastSeen(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return 'offline';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return 'offline';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'last seen just now';
  const m = Math.round(s / 60);
  if (m < 60) return `last seen ${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `last seen ${h} h ago`;
  return `last seen ${new Date(iso).toLocaleDateString()}`;
}
