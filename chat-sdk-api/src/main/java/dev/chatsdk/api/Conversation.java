package dev.chatsdk.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A conversation and its members. A {@link ConversationKind#DIRECT} conversation has exactly two
 * members and is unique per pair ({@link #directKey(String, String)}); a {@link
 * ConversationKind#GROUP} has a title and 1..{@value #MAX_MEMBERS} members.
 *
 * <p>The message counter (last seq) is not part of this record: the {@code MessageStore} owns it.
 *
 * @param id opaque, server-assigned identifier
 * @param kind direct or group
 * @param title the group's title; null for direct conversations
 * @param members the members, in join order, no user twice
 * @param createdAt when the conversation was created
 */
public record Conversation(
    String id,
    ConversationKind kind,
    @Nullable String title,
    List<Member> members,
    Instant createdAt) {

  /** The cap on members of one conversation (documents stay bounded in every store). */
  public static final int MAX_MEMBERS = 1000;

  /** Upper bound on a group title's length. */
  public static final int MAX_TITLE = 100;

  public Conversation {
    Checks.id(id, "id");
    Objects.requireNonNull(kind, "kind");
    members = List.copyOf(Objects.requireNonNull(members, "members"));
    Objects.requireNonNull(createdAt, "createdAt");
    if (members.size() > MAX_MEMBERS) {
      throw ChatException.invalid(
          "members: " + members.size() + " (expected: at most " + MAX_MEMBERS + ")");
    }
    Set<String> seen = new HashSet<>();
    for (Member m : members) {
      if (!seen.add(m.userId())) {
        throw ChatException.invalid("members: user " + m.userId() + " listed twice");
      }
    }
    if (kind == ConversationKind.DIRECT) {
      if (members.size() != 2) {
        throw ChatException.invalid(
            "members: " + members.size() + " (expected: exactly 2 in a direct conversation)");
      }
      if (title != null) {
        throw ChatException.invalid("title: a direct conversation has no title");
      }
    } else {
      if (title == null || title.isBlank() || title.length() > MAX_TITLE) {
        throw ChatException.invalid(
            "title: "
                + (title == null ? "missing" : "length " + title.length())
                + " (expected: 1..100 characters, not blank)");
      }
    }
  }

  /** The member entry of {@code userId}, if that user is a member. */
  public Optional<Member> member(String userId) {
    for (Member m : members) {
      if (m.userId().equals(userId)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code userId} is a member. */
  public boolean isMember(String userId) {
    return member(userId).isPresent();
  }

  /** Whether {@code userId} is an admin of this group. Direct conversations have no admins. */
  public boolean isAdmin(String userId) {
    return member(userId).map(m -> m.role() == MemberRole.ADMIN).orElse(false);
  }

  /** Whether this group has at least one admin. */
  public boolean hasAdmin() {
    for (Member m : members) {
      if (m.role() == MemberRole.ADMIN) {
        return true;
      }
    }
    return false;
  }

  /** A copy in which {@code userId} (a member) has {@code role}. */
  public Conversation withRole(String userId, MemberRole role) {
    Objects.requireNonNull(role, "role");
    List<Member> changed = new ArrayList<>(members.size());
    boolean found = false;
    for (Member m : members) {
      if (m.userId().equals(userId)) {
        changed.add(new Member(userId, role, m.joinedAt()));
        found = true;
      } else {
        changed.add(m);
      }
    }
    if (!found) {
      throw ChatException.notFound("user " + userId + ": not a member of conversation " + id);
    }
    return withMembers(changed);
  }

  /** The member user ids, in join order. */
  public List<String> memberIds() {
    return members.stream().map(Member::userId).toList();
  }

  /** The title, if this is a group. */
  public Optional<String> titleIfAny() {
    return Optional.ofNullable(title);
  }

  /** For a direct conversation: its pair key; stores keep it unique. Empty for groups. */
  public Optional<String> directKey() {
    if (kind != ConversationKind.DIRECT) {
      return Optional.empty();
    }
    return Optional.of(directKey(members.get(0).userId(), members.get(1).userId()));
  }

  /** The order-independent key of the direct conversation between two users. */
  public static String directKey(String userA, String userB) {
    return userA.compareTo(userB) <= 0 ? userA + ":" + userB : userB + ":" + userA;
  }

  /** A copy with other members. */
  public Conversation withMembers(List<Member> newMembers) {
    return new Conversation(id, kind, title, newMembers, createdAt);
  }

  /** A copy with another title (groups only). */
  public Conversation withTitle(String newTitle) {
    return new Conversation(id, kind, newTitle, members, createdAt);
  }
}
