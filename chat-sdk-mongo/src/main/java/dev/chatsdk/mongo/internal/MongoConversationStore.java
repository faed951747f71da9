package dev.chatsdk.mongo.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@link dev.chatsdk.api.port.ConversationStore} on the {@code conversations} collection. Members
 * live in a bounded array ({@link Conversation#MAX_MEMBERS}) with a counter {@code n}, so a member
 * change is one atomic conditional update. Thread-safe.
 */
public final class MongoConversationStore implements dev.chatsdk.api.port.ConversationStore {
  /** Bounded retries of a conditional member update that lost a race. */
  private static final int MAX_ATTEMPTS = 16;

  // Updates ask for the document as it was before and apply the change here: a server may encode
  // the "after" document once its lock is released, when a concurrent update can show in it.
  private static final FindOneAndUpdateOptions RETURN_BEFORE =
      new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE);

  private final MongoCollection<Document> conversations;

  /** Uses the conversations collection of {@code schema}. */
  public MongoConversationStore(Schema schema) {
    this.conversations = schema.collection(Schema.CONVERSATIONS);
  }

  @Override
  public CompletionStage<Conversation> create(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation");
    return Reactive.done(() -> conversations.insertOne(toDocument(conversation)))
        .handle(
            (ok, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(conversation);
              }
              if (!Errors.isDuplicateKey(error)) {
                throw Errors.map(error);
              }
              Optional<String> directKey = conversation.directKey();
              if (directKey.isEmpty()) {
                throw conflict(conversation.id());
              }
              return findByDirectKey(directKey.get())
                  .thenApply(found -> found.orElseThrow(() -> conflict(conversation.id())));
            })
        .thenCompose(stage -> stage);
  }

  @Override
  public CompletionStage<Optional<Conversation>> find(String id) {
    Objects.requireNonNull(id, "id");
    return Reactive.first(() -> conversations.find(Filters.eq("_id", id)).limit(1))
        .thenApply(found -> found.map(MongoConversationStore::toConversation));
  }

  @Override
  public CompletionStage<Optional<Conversation>> findDirect(String userA, String userB) {
    Objects.requireNonNull(userA, "userA");
    Objects.requireNonNull(userB, "userB");
    return findByDirectKey(Conversation.directKey(userA, userB));
  }

  @Override
  public CompletionStage<List<Conversation>> listForUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Reactive.list(
            () ->
                conversations
                    .find(Filters.eq("mem.u", userId))
                    .sort(Sorts.orderBy(Sorts.descending("at"), Sorts.descending("_id"))))
        .thenApply(docs -> docs.stream().map(MongoConversationStore::toConversation).toList());
  }

  @Override
  public CompletionStage<Conversation> addMember(String conversationId, Member member) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(member, "member");
    return addMember(conversationId, member, 1);
  }

  private CompletableFuture<Conversation> addMember(
      String conversationId, Member member, int attempt) {
    Bson filter =
        Filters.and(
            Filters.eq("_id", conversationId),
            Filters.eq("k", ConversationKind.GROUP.name()),
            Filters.ne("mem.u", member.userId()),
            Filters.lt("n", Conversation.MAX_MEMBERS));
    Bson update = Updates.combine(Updates.push("mem", toDocument(member)), Updates.inc("n", 1));
    return Reactive.first(() -> conversations.findOneAndUpdate(filter, update, RETURN_BEFORE))
        .thenCompose(
            before -> {
              if (before.isPresent()) {
                Conversation previous = toConversation(before.get());
                List<Member> members = new ArrayList<>(previous.members());
                members.add(member);
                return CompletableFuture.completedFuture(previous.withMembers(members));
              }
              return requireConversation(conversationId)
                  .thenCompose(
                      current -> {
                        if (current.isMember(member.userId())) {
                          return CompletableFuture.completedFuture(current);
                        }
                        if (current.kind() == ConversationKind.DIRECT) {
                          throw ChatException.invalid(
                              "conversation: '" + conversationId + "' is direct (expected: group)");
                        }
                        if (current.members().size() >= Conversation.MAX_MEMBERS) {
                          throw ChatException.invalid(
                              "members: "
                                  + current.members().size()
                                  + " (expected: at most "
                                  + Conversation.MAX_MEMBERS
                                  + ")");
                        }
                        if (attempt >= MAX_ATTEMPTS) {
                          throw new ChatException(
                              ErrorCode.INTERNAL,
                              "addMember: conversation '" + conversationId + "' kept changing");
                        }
                        return addMember(conversationId, member, attempt + 1);
                      });
            });
  }

  @Override
  public CompletionStage<Conversation> removeMember(String conversationId, String userId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    Bson filter =
        Filters.and(
            Filters.eq("_id", conversationId),
            Filters.eq("k", ConversationKind.GROUP.name()),
            Filters.eq("mem.u", userId));
    Bson update =
        Updates.combine(Updates.pull("mem", new Document("u", userId)), Updates.inc("n", -1));
    return Reactive.first(() -> conversations.findOneAndUpdate(filter, update, RETURN_BEFORE))
        .thenCompose(
            before -> {
              if (before.isPresent()) {
                Conversation previous = toConversation(before.get());
                List<Member> members = new ArrayList<>(previous.members());
                members.removeIf(m -> m.userId().equals(userId));
                return CompletableFuture.completedFuture(previous.withMembers(members));
              }
              return requireConversation(conversationId)
                  .thenApply(
                      current -> {
                        if (current.kind() == ConversationKind.DIRECT && current.isMember(userId)) {
                          throw ChatException.invalid(
                              "conversation: '" + conversationId + "' is direct (expected: group)");
                        }
                        return current;
                      });
            });
  }

  @Override
  public CompletionStage<Conversation> setRole(
      String conversationId, String userId, MemberRole role) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    Bson filter =
        Filters.and(
            Filters.eq("_id", conversationId),
            Filters.eq("k", ConversationKind.GROUP.name()),
            Filters.eq("mem.u", userId));
    return Reactive.first(
            () ->
                conversations.findOneAndUpdate(
                    filter, Updates.set("mem.$.r", role.name()), RETURN_BEFORE))
        .thenCompose(
            before -> {
              if (before.isPresent()) {
                return CompletableFuture.completedFuture(
                    toConversation(before.get()).withRole(userId, role));
              }
              return requireConversation(conversationId)
                  .thenApply(
                      current -> {
                        if (current.kind() == ConversationKind.DIRECT) {
                          throw ChatException.invalid(
                              "conversation: '" + conversationId + "' is direct (expected: group)");
                        }
                        // Not a member when the update ran (whatever the second read says).
                        throw ChatException.notFound(
                            "user " + userId + ": not a member of conversation " + conversationId);
                      });
            });
  }

  @Override
  public CompletionStage<Conversation> rename(String conversationId, String title) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(title, "title");
    if (title.isBlank() || title.length() > Conversation.MAX_TITLE) {
      return CompletableFuture.failedFuture(
          ChatException.invalid(
              "title: length "
                  + title.length()
                  + " (expected: 1.."
                  + Conversation.MAX_TITLE
                  + " characters, not blank)"));
    }
    Bson filter =
        Filters.and(
            Filters.eq("_id", conversationId), Filters.eq("k", ConversationKind.GROUP.name()));
    return Reactive.first(
            () -> conversations.findOneAndUpdate(filter, Updates.set("t", title), RETURN_BEFORE))
        .thenCompose(
            before -> {
              if (before.isPresent()) {
                return CompletableFuture.completedFuture(
                    toConversation(before.get()).withTitle(title));
              }
              return requireConversation(conversationId)
                  .thenApply(
                      current -> {
                        throw ChatException.invalid(
                            "conversation: '" + current.id() + "' is direct (expected: group)");
                      });
            });
  }

  private CompletableFuture<Optional<Conversation>> findByDirectKey(String directKey) {
    return Reactive.first(() -> conversations.find(Filters.eq("dk", directKey)).limit(1))
        .thenApply(found -> found.map(MongoConversationStore::toConversation));
  }

  private CompletableFuture<Conversation> requireConversation(String conversationId) {
    return Reactive.first(() -> conversations.find(Filters.eq("_id", conversationId)).limit(1))
        .thenApply(
            found ->
                found
                    .map(MongoConversationStore::toConversation)
                    .orElseThrow(
                        () -> ChatException.notFound("conversation: '" + conversationId + "'")));
  }

  private static ChatException conflict(String id) {
    return new ChatException(ErrorCode.CONFLICT, "conversation: id '" + id + "' is taken");
  }

  static Document toDocument(Conversation conversation) {
    List<Document> members = new ArrayList<>(conversation.members().size());
    for (Member member : conversation.members()) {
      members.add(toDocument(member));
    }
    Document doc =
        new Document("_id", conversation.id())
            .append("k", conversation.kind().name())
            .append("mem", members)
            .append("n", members.size());
    if (conversation.title() != null) {
      doc.append("t", conversation.title());
    }
    conversation.directKey().ifPresent(key -> doc.append("dk", key));
    Docs.putInstant(doc, "at", conversation.createdAt());
    return doc;
  }

  private static Document toDocument(Member member) {
    Document doc = new Document("u", member.userId()).append("r", member.role().name());
    Docs.putInstant(doc, "j", member.joinedAt());
    return doc;
  }

  static Conversation toConversation(Document doc) {
    List<Document> memberDocs = doc.getList("mem", Document.class, List.of());
    List<Member> members = new ArrayList<>(memberDocs.size());
    for (Document m : memberDocs) {
      members.add(
          new Member(
              m.getString("u"),
              MemberRole.valueOf(m.getString("r")),
              Docs.requiredInstant(m, "j")));
    }
    return new Conversation(
        doc.getString("_id"),
        ConversationKind.valueOf(doc.getString("k")),
        doc.getString("t"),
        members,
        Docs.requiredInstant(doc, "at"));
  }
}
