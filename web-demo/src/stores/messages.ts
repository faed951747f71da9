import type { Message } from '../lib/types';

/** The messages of one conversation held by the client, keyed by seq. */
export interface ConversationMessages {
  bySeq: Readonly<Record<number, Message>>;
  /** Every seq in bySeq, ascending. */
  seqs: readonly number[];
  /** False once a history page came back shorter than asked, or reached seq 1. */
  hasMoreBefore: boolean;
  /** True once the newest page was fetched from history (or nothing needed fetching). */
  historyLoaded: boolean;
}

export const EMPTY_CONVERSATION_MESSAGES: ConversationMessages = {
  bySeq: {},
  seqs: [],
  hasMoreBefore: true,
  historyLoaded: false,
};

/** The counter value of a message's latest change. */
export function modSeqOf(m: Message): number {
  return m.modSeq ?? m.seq;
}

/**
 * Merges messages into a conversation's set. The result depends only on the set of messages
 * merged, never on their order or repetition: a seq holds the version with the highest modSeq,
 * and seqs stay sorted. Returns the input object unchanged when nothing changed, so selectors
 * do not re-render for duplicates.
 */
export function mergeMessages(
  current: ConversationMessages,
  incoming: readonly Message[],
): ConversationMessages {
  let bySeq: Record<number, Message> | null = null;
  let added: number[] | null = null;
  for (const m of incoming) {
    if (!Number.isFinite(m.seq)) continue;
    const existing = (bySeq ?? current.bySeq)[m.seq];
    if (existing && modSeqOf(existing) >= modSeqOf(m)) continue;
    bySeq ??= { ...current.bySeq };
    bySeq[m.seq] = m;
    if (!existing && !(added ??= []).includes(m.seq)) added.push(m.seq);
  }
  if (!bySeq) return current;
  let seqs = current.seqs;
  if (added && added.length > 0) {
    seqs = insertSorted(current.seqs, added);
  }
  return { ...current, bySeq, seqs };
}

function insertSorted(sorted: readonly number[], extra: number[]): number[] {
  extra.sort((a, b) => a - b);
  const lastExisting = sorted.length > 0 ? sorted[sorted.length - 1]! : -Infinity;
  if (extra[0]! > lastExisting) return [...sorted, ...extra];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < extra.length) {
    if (j >= extra.length || (i < sorted.length && sorted[i]! < extra[j]!)) out.push(sorted[i++]!);
    else out.push(extra[j++]!);
  }
  return out;
}

/** Messages in seq order. */
export function orderedMessages(cm: ConversationMessages): Message[] {
  return cm.seqs.map((s) => cm.bySeq[s]!);
}
