package dev.chatsdk.api.port;

/**
 * A synchronous hook run in-process before a message is stored: moderation, slow mode, rate limits,
 * bots. Policies run in order; a rewrite feeds the next policy; the first reject stops the chain.
 * Must be thread-safe and fast (no IO): it runs on the engine's threads.
 */
@FunctionalInterface
public interface MessagePolicy {
  /** Decides about a draft. */
  PolicyDecision check(MessageDraft draft);
}
