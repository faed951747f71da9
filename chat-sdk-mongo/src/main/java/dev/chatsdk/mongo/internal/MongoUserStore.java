package dev.chatsdk.mongo.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.UserStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.bson.Document;
import org.bson.conversions.Bson;

/** {@link UserStore} on the {@code users} collection. Thread-safe. */
public final class MongoUserStore implements UserStore {
  private final MongoCollection<Document> users;

  /** Uses the users collection of {@code schema}. */
  public MongoUserStore(Schema schema) {
    this.users = schema.collection(Schema.USERS);
  }

  @Override
  public CompletionStage<User> create(User user) {
    Objects.requireNonNull(user, "user");
    return Reactive.done(() -> users.insertOne(toDocument(user)))
        .handle(
            (ok, error) -> {
              if (error == null) {
                return user;
              }
              if (Errors.isDuplicateKey(error)) {
                throw new ChatException(
                    ErrorCode.CONFLICT,
                    "user: id '" + user.id() + "' or username '" + user.username() + "' is taken");
              }
              throw Errors.map(error);
            });
  }

  @Override
  public CompletionStage<Optional<User>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return Reactive.first(() -> users.find(Filters.eq("_id", id)).limit(1))
        .thenApply(found -> found.map(MongoUserStore::toUser));
  }

  @Override
  public CompletionStage<Optional<User>> findByUsername(String username) {
    Objects.requireNonNull(username, "username");
    return Reactive.first(
            () -> users.find(Filters.eq("uk", User.normalizeUsername(username))).limit(1))
        .thenApply(found -> found.map(MongoUserStore::toUser));
  }

  @Override
  public CompletionStage<List<User>> findByIds(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<String> distinct = ids.stream().distinct().toList();
    return Reactive.list(() -> users.find(Filters.in("_id", distinct)))
        .thenApply(docs -> docs.stream().map(MongoUserStore::toUser).toList());
  }

  @Override
  public CompletionStage<List<User>> search(String query, int limit) {
    Objects.requireNonNull(query, "query");
    if (limit < 1) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("limit: " + limit + " (expected: >= 1)"));
    }
    String needle = query.toLowerCase(Locale.ROOT);
    Bson filter =
        needle.isEmpty()
            ? new Document()
            : Filters.or(
                Filters.regex("uk", escapeRegex(needle)),
                Filters.regex("dnl", escapeRegex(needle)));
    return Reactive.list(() -> users.find(filter).sort(Sorts.ascending("uk")).limit(limit))
        .thenApply(docs -> docs.stream().map(MongoUserStore::toUser).toList());
  }

  @Override
  public CompletionStage<User> updateProfile(User user) {
    Objects.requireNonNull(user, "user");
    Bson avatar =
        user.avatarId() == null ? Updates.unset("av") : Updates.set("av", user.avatarId());
    Bson update =
        Updates.combine(
            Updates.set("dn", user.displayName()),
            Updates.set("dnl", user.displayName().toLowerCase(Locale.ROOT)),
            avatar);
    return Reactive.first(
            () ->
                users.findOneAndUpdate(
                    Filters.eq("_id", user.id()),
                    update,
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE)))
        .thenApply(
            found ->
                found
                    .map(
                        before ->
                            toUser(before)
                                .withDisplayName(user.displayName())
                                .withAvatarId(user.avatarId()))
                    .orElseThrow(() -> ChatException.notFound("user: '" + user.id() + "'")));
  }

  @Override
  public CompletionStage<Void> updateLastSeen(String userId, Instant at) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(at, "at");
    Document set = new Document();
    Docs.putInstant(set, "ls", at);
    return Reactive.done(
        () -> users.updateOne(Filters.eq("_id", userId), new Document("$set", set)));
  }

  static Document toDocument(User user) {
    Document doc =
        new Document("_id", user.id())
            .append("un", user.username())
            .append("uk", user.usernameKey())
            .append("dn", user.displayName())
            .append("dnl", user.displayName().toLowerCase(Locale.ROOT));
    if (user.avatarId() != null) {
      doc.append("av", user.avatarId());
    }
    Docs.putInstant(doc, "at", user.createdAt());
    Docs.putInstant(doc, "ls", user.lastSeenAt());
    return doc;
  }

  static User toUser(Document doc) {
    return new User(
        doc.getString("_id"),
        doc.getString("un"),
        doc.getString("dn"),
        doc.getString("av"),
        Docs.requiredInstant(doc, "at"),
        Docs.instant(doc, "ls"));
  }

  /** Escapes every character that is not a letter or digit, so the query matches literally. */
  static String escapeRegex(String text) {
    StringBuilder out = new StringBuilder(text.length() * 2);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == 0) {
        out.append("\\x00"); // a raw NUL cannot be in a BSON regex (a C string)
        continue;
      }
      if (!Character.isLetterOrDigit(ch)) {
        out.append('\\');
      }
      out.append(ch);
    }
    return out.toString();
  }
}
