package dev.chatsdk.mongo.internal;

import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.gridfs.GridFSBucket;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;
import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlobStore} on a GridFS bucket ({@code blobs.files}, {@code blobs.chunks}). Thread-safe.
 *
 * <p>{@link #put} streams: the calling thread reads GridFS-chunk-sized pieces, hashing and counting
 * them, and hands each to the upload only when the upload asks for the next, so about one chunk is
 * in memory at a time. Past {@code maxBytes} it stops reading, lets the upload finish what it was
 * given and removes the file and its chunks before failing with {@code TOO_LARGE}. The file
 * document carries the content type, creation time and (set once every byte is stored) the SHA-256.
 */
public final class MongoBlobStore implements BlobStore {
  /** GridFS chunk size: below the 256 KiB that keeps a chunk document in one server page. */
  static final int CHUNK_BYTES = 255 * 1024;

  private final GridFSBucket bucket;
  private final MongoCollection<Document> files;
  private final MongoCollection<Document> chunks;

  /** Uses the blob bucket of {@code schema}. */
  public MongoBlobStore(Schema schema) {
    this.bucket =
        GridFSBuckets.create(schema.database(), Schema.BLOBS).withChunkSizeBytes(CHUNK_BYTES);
    this.files = schema.collection(Schema.BLOBS + ".files");
    this.chunks = schema.collection(Schema.BLOBS + ".chunks");
  }

  @Override
  public CompletionStage<BlobInfo> put(String contentType, InputStream content, long maxBytes) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
    if (maxBytes < 0) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("maxBytes: " + maxBytes + " (expected: >= 0)"));
    }
    String id = new ObjectId().toHexString();
    Instant createdAt = Instant.now();
    Document metadata = new Document("contentType", contentType);
    Docs.putInstant(metadata, "createdAt", createdAt);
    GridFSUploadOptions options =
        new GridFSUploadOptions().chunkSizeBytes(CHUNK_BYTES).metadata(metadata);
    PushPublisher source = new PushPublisher();
    CompletableFuture<Void> upload =
        Reactive.done(() -> bucket.uploadFromPublisher(new BsonString(id), id, source, options));

    MessageDigest sha256 = sha256();
    long size = 0;
    @Nullable ChatException failure = null;
    try {
      while (true) {
        byte[] chunk = content.readNBytes(CHUNK_BYTES);
        if (chunk.length == 0) {
          break;
        }
        size += chunk.length;
        if (size > maxBytes) {
          failure =
              new ChatException(
                  ErrorCode.TOO_LARGE,
                  "blob: more than " + maxBytes + " bytes (expected: at most " + maxBytes + ")");
          break;
        }
        sha256.update(chunk);
        if (!source.push(ByteBuffer.wrap(chunk), upload)) {
          break; // the upload failed; its error is the answer
        }
      }
    } catch (IOException e) {
      failure = ChatException.invalid("blob: the upload stream failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = ChatException.invalid("blob: interrupted while uploading");
    }
    // The stream is ended normally even on failure: the upload then finishes only once every chunk
    // insert it started is acknowledged, so the removal below cannot race a late insert (failing
    // the stream would cancel the inserts in flight without waiting for them).
    source.complete();
    if (failure != null) {
      ChatException error = failure;
      return upload
          .handle((ok, ignored) -> null)
          .thenCompose(ignored -> removeBlob(id))
          .handle(
              (ok, ignored) -> {
                throw error;
              });
    }
    BlobInfo info =
        new BlobInfo(id, contentType, size, HexFormat.of().formatHex(sha256.digest()), createdAt);
    return upload
        .thenCompose(
            ignored ->
                Reactive.done(
                    () ->
                        files.updateOne(
                            Filters.eq("_id", id), Updates.set("metadata.sha256", info.sha256()))))
        .handle(
            (ok, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(info);
              }
              // Best effort: a blob that could not be completed is not left behind.
              return removeBlob(id)
                  .<BlobInfo>handle(
                      (ignored, cleanupError) -> {
                        throw Errors.map(error);
                      });
            })
        .thenCompose(stage -> stage);
  }

  /** Removes the chunks, then the file document, of {@code id}; either may be absent. */
  private CompletableFuture<Void> removeBlob(String id) {
    return Reactive.done(() -> chunks.deleteMany(Filters.eq("files_id", id)))
        .thenCompose(ignored -> Reactive.done(() -> files.deleteOne(Filters.eq("_id", id))));
  }

  @Override
  public CompletionStage<Optional<Blob>> get(String id) {
    Objects.requireNonNull(id, "id");
    return Reactive.first(() -> bucket.find(Filters.eq("_id", id)).limit(1))
        .thenCompose(
            file -> {
              if (file.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Blob>empty());
              }
              BlobInfo info = toInfo(id, file.get());
              return Reactive.list(() -> bucket.downloadToPublisher(new BsonString(id)))
                  .handle(
                      (buffers, error) -> {
                        if (error != null) {
                          if (Errors.unwrap(error).getCause() instanceof MongoGridFSException
                              || Errors.unwrap(error) instanceof MongoGridFSException) {
                            return Optional.<Blob>empty(); // deleted meanwhile
                          }
                          throw Errors.map(error);
                        }
                        return Optional.of(new Blob(info, concat(buffers, info.size())));
                      });
            });
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    Objects.requireNonNull(id, "id");
    return Reactive.done(() -> bucket.delete(new BsonString(id)))
        .handle(
            (ok, error) -> {
              if (error == null) {
                return null;
              }
              Throwable cause = Errors.unwrap(error);
              if (cause instanceof MongoGridFSException
                  || cause.getCause() instanceof MongoGridFSException) {
                return null; // no such blob: deleting it is a no-op
              }
              throw Errors.map(error);
            });
  }

  private static BlobInfo toInfo(String id, GridFSFile file) {
    Document metadata = file.getMetadata() == null ? new Document() : file.getMetadata();
    Instant createdAt = Docs.instant(metadata, "createdAt");
    return new BlobInfo(
        id,
        Objects.requireNonNullElse(metadata.getString("contentType"), "application/octet-stream"),
        file.getLength(),
        Objects.requireNonNullElse(metadata.getString("sha256"), ""),
        createdAt != null ? createdAt : file.getUploadDate().toInstant());
  }

  private static byte[] concat(List<ByteBuffer> buffers, long size) {
    byte[] out = new byte[Math.toIntExact(size)];
    int offset = 0;
    for (ByteBuffer buffer : buffers) {
      int n = Math.min(buffer.remaining(), out.length - offset);
      buffer.get(out, offset, n);
      offset += n;
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
