package dev.chatsdk.core.internal;

import dev.chatsdk.api.port.ClusterBus;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A user with at least one session on this node: their sessions and the conversations whose
 * channels they keep alive. Every field is written under {@link Registry}'s lock; {@link #sessions}
 * is a copy-on-write array read without it.
 */
final class LocalUser {
  final String userId;

  /** Open sessions on this node (copy-on-write). */
  volatile Session[] sessions = new Session[0];

  /** Conversations this user is a member of (guarded by the registry lock). */
  final Set<String> conversationIds = new HashSet<>();

  /** The bus subscription to {@code u:<userId>}, if any (guarded by the registry lock). */
  ClusterBus.@Nullable Subscription subscription;

  /** Set once the user's last local session closed (guarded by the registry lock). */
  boolean gone;

  LocalUser(String userId) {
    this.userId = userId;
  }
}
