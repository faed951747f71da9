package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.User;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Request and response bodies of the REST API that are not API records. Request records validate
 * presence of their fields; the engine and stores validate values.
 */
final class ApiBodies {
  private ApiBodies() {}

  static String required(@Nullable String value, String name) {
    if (value == null) {
      throw new ChatException(
          dev.chatsdk.api.ErrorCode.MALFORMED, "field '" + name + "': missing (expected a value)");
    }
    return value;
  }

  /** {@code POST /api/auth/signup}. */
  record SignupRequest(String username, String password, @Nullable String displayName) {
    SignupRequest {
      required(username, "username");
      required(password, "password");
    }

    @Override
    public String toString() {
      return "SignupRequest[username=" + username + "]";
    }
  }

  /** {@code POST /api/auth/login}. */
  record LoginRequest(String username, String password) {
    LoginRequest {
      required(username, "username");
      required(password, "password");
    }

    @Override
    public String toString() {
      return "LoginRequest[username=" + username + "]";
    }
  }

  /** {@code PUT /api/me/password}. */
  record PasswordRequest(String currentPassword, String newPassword) {
    PasswordRequest {
      required(currentPassword, "currentPassword");
      required(newPassword, "newPassword");
    }

    @Override
    public String toString() {
      return "PasswordRequest[]";
    }
  }

  /** {@code PUT /api/me/profile}. */
  record ProfileRequest(String displayName) {
    ProfileRequest {
      required(displayName, "displayName");
    }
  }

  /** {@code POST /api/conversations}. */
  record CreateConversationRequest(String kind, @Nullable String title, List<String> members) {
    CreateConversationRequest {
      required(kind, "kind");
      if (members == null) {
        throw new ChatException(
            dev.chatsdk.api.ErrorCode.MALFORMED, "field 'members': missing (expected an array)");
      }
      members = List.copyOf(members);
    }
  }

  /** {@code PUT /api/conversations/{id}}. */
  record RenameRequest(String title) {
    RenameRequest {
      required(title, "title");
    }
  }

  /** {@code POST /api/conversations/{id}/members}. */
  record AddMemberRequest(String userId) {
    AddMemberRequest {
      required(userId, "userId");
    }
  }

  /** {@code PUT /api/conversations/{id}/members/{userId}}. */
  record RoleRequest(String role) {
    RoleRequest {
      required(role, "role");
    }

    /** The role named, or {@code INVALID_ARGUMENT}. */
    MemberRole memberRole() {
      for (MemberRole r : MemberRole.values()) {
        if (r.name().toLowerCase(Locale.ROOT).equals(role)) {
          return r;
        }
      }
      throw ChatException.invalid("role: '" + role + "' (expected: admin or member)");
    }
  }

  /** {@code POST /api/conversations/{id}/messages}. */
  record SendRequest(String clientMsgId, String body) {
    SendRequest {
      required(clientMsgId, "clientMsgId");
      required(body, "body");
    }
  }

  /** {@code PUT /api/conversations/{id}/messages/{messageId}}. */
  record EditRequest(String body) {
    EditRequest {
      required(body, "body");
    }
  }

  /** {@code POST /api/conversations/{id}/read}. */
  record ReadRequest(Long seq) {
    ReadRequest {
      if (seq == null) {
        throw new ChatException(
            dev.chatsdk.api.ErrorCode.MALFORMED, "field 'seq': missing (expected an integer)");
      }
    }
  }

  /** Signup and login answer: the user, the bearer token and its expiry. */
  record AuthResponse(User user, String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "AuthResponse[user=" + user.id() + "]";
    }
  }

  /** {@code GET /api/auth/me}. */
  record MeResponse(User user, Instant expiresAt) {}

  /** A user as others see them: profile plus presence. */
  record UserView(
      String id,
      String username,
      String displayName,
      @Nullable String avatarId,
      @Nullable String avatarUrl,
      Instant createdAt,
      boolean online,
      @Nullable Instant lastSeen) {

    static UserView of(User u, @Nullable Presence p) {
      Instant lastSeen = p != null && p.lastSeen() != null ? p.lastSeen() : u.lastSeenAt();
      boolean online = p != null && p.online();
      return new UserView(
          u.id(),
          u.username(),
          u.displayName(),
          u.avatarId(),
          u.avatarId() == null ? null : "/api/users/" + u.id() + "/avatar?v=" + u.avatarId(),
          u.createdAt(),
          online,
          online ? null : lastSeen);
    }
  }

  /** {@code GET /api/users}. */
  record UserList(List<UserView> users) {}

  /** {@code GET /api/conversations}. */
  record ConversationList(List<dev.chatsdk.api.event.ConversationSummary> conversations) {}

  /** {@code GET /api/conversations/{id}/messages}. */
  record MessageList(List<dev.chatsdk.api.Message> messages) {}

  /** {@code GET /api/conversations/{id}/read}. */
  record ReadMarkerList(List<dev.chatsdk.api.ReadMarker> markers) {}
}
