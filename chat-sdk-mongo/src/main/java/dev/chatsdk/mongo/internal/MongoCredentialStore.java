package dev.chatsdk.mongo.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.port.CredentialStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.bson.Document;

/** {@link CredentialStore} on the {@code credentials} collection. Thread-safe. */
public final class MongoCredentialStore implements CredentialStore {
  private final MongoCollection<Document> credentials;

  /** Uses the credentials collection of {@code schema}. */
  public MongoCredentialStore(Schema schema) {
    this.credentials = schema.collection(Schema.CREDENTIALS);
  }

  @Override
  public CompletionStage<Void> save(Credentials value) {
    Objects.requireNonNull(value, "credentials");
    Document doc =
        new Document("_id", value.userId())
            .append("h", value.passwordHash())
            .append("g", value.tokenGeneration());
    return Reactive.done(
        () ->
            credentials.replaceOne(
                Filters.eq("_id", value.userId()), doc, new ReplaceOptions().upsert(true)));
  }

  @Override
  public CompletionStage<Optional<Credentials>> find(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Reactive.first(() -> credentials.find(Filters.eq("_id", userId)).limit(1))
        .thenApply(found -> found.map(MongoCredentialStore::toCredentials));
  }

  @Override
  public CompletionStage<Long> bumpTokenGeneration(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Reactive.first(
            () ->
                credentials.findOneAndUpdate(
                    Filters.eq("_id", userId),
                    Updates.inc("g", 1L),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE)))
        .thenApply(
            found ->
                found
                    .map(before -> Docs.longValue(before, "g") + 1)
                    .orElseThrow(
                        () -> ChatException.notFound("credentials: user '" + userId + "'")));
  }

  private static Credentials toCredentials(Document doc) {
    return new Credentials(doc.getString("_id"), doc.getString("h"), Docs.longValue(doc, "g"));
  }
}
