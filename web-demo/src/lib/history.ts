import type { ChatStore } from '../stores/chatStore';
import { api, type HistoryPage } from './api';

export const PAGE_SIZE = 30;

type FetchPage = (
  conversationId: string,
  query: { before?: number; after?: number; limit: number },
) => Promise<HistoryPage>;

/**
 * Loads message history pages from REST into the store. Framework-free; one request per
 * conversation at a time.
 */
export class HistoryLoader {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly store: ChatStore,
    private readonly fetchPage: FetchPage = api.history,
  ) {}

  isLoading(conversationId: string): boolean {
    return this.inFlight.has(conversationId);
  }

  /** Loads the newest page once per conversation. */
  async loadLatest(conversationId: string): Promise<void> {
    const s = this.store.getState();
    if (s.messages[conversationId]?.historyLoaded) return;
    const lastSeq = s.conversations[conversationId]?.lastSeq ?? 0;
    if (lastSeq <= 0) {
      s.setHistoryState(conversationId, { historyLoaded: true, hasMoreBefore: false });
      return;
    }
    await this.load(conversationId, lastSeq + 1, true);
  }

  /** Loads the page before the oldest message held. */
  async loadOlder(conversationId: string): Promise<void> {
    const cm = this.store.getState().messages[conversationId];
    if (!cm || !cm.hasMoreBefore) return;
    const oldest = cm.seqs[0];
    if (oldest === undefined) return this.loadLatest(conversationId);
    if (oldest <= 1) {
      this.store.getState().setHistoryState(conversationId, { hasMoreBefore: false });
      return;
    }
    await this.load(conversationId, oldest, false);
  }

  private async load(conversationId: string, before: number, latest: boolean): Promise<void> {
    if (this.inFlight.has(conversationId)) return;
    this.inFlight.add(conversationId);
    try {
      const page = await this.fetchPage(conversationId, { before, limit: PAGE_SIZE });
      const s = this.store.getState();
      s.receiveMessages(conversationId, page.messages, false);
      const oldest = page.messages.reduce((min, m) => Math.min(min, m.seq), before);
      const hasMoreBefore = page.hasMore ?? (page.messages.length >= PAGE_SIZE && oldest > 1);
      s.setHistoryState(conversationId, latest ? { historyLoaded: true, hasMoreBefore } : { hasMoreBefore });
    } catch (e) {
      this.store.getState().notify('error', `Could not load messages: ${(e as Error).message}`);
    } finally {
      this.inFlight.delete(conversationId);
    }
  }
}
