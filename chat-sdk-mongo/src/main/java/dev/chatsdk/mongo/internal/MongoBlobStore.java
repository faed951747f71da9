package dev.chatsdk.mongo.internal;

import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * {@link BlobStore} on a GridFS bucket ({@code blobs.files}, {@code blobs.chunks}). Thread-safe.
 *
 * <p>{@link #put} reads the stream on the calling thread in GridFS-chunk-sized pieces, hashing and
 * counting as it reads; past {@code maxBytes} it stops reading and fails before anything is
 * written, so at most {@code maxBytes} plus one chunk is held in memory. The chunks then go to
 * GridFS as one upload; its file document carries the content type, SHA-256 and creation time.
 */
public final class MongoBlobStore implements BlobStore {
  /** GridFS chunk size: below the 256 KiB that keeps a chunk document in one server page. */
  static final int CHUNK_BYTES = 255 * 1024;

  private final GridFSBucket bucket;

  /** Uses the blob bucket of {@code schema}. */
  public MongoBlobStore(Schema schema) {
    this.bucket =
        GridFSBuckets.create(schema.database(), Schema.BLOBS).withChunkSizeBytes(CHUNK_BYTES);
  }

  @Override
  public CompletionStage<BlobInfo> put(String contentType, InputStream content, long maxBytes) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
    if (maxBytes < 0) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("maxBytes: " + maxBytes + " (expected: >= 0)"));
    }
    MessageDigest sha256 = sha256();
    List<ByteBuffer> chunks = new ArrayList<>();
    long size = 0;
    try {
      while (true) {
        byte[] chunk = content.readNBytes(CHUNK_BYTES);
        if (chunk.length == 0) {
          break;
        }
        size += chunk.length;
        if (size > maxBytes) {
          return CompletableFuture.failedFuture(
              new ChatException(
                  ErrorCode.TOO_LARGE,
                  "blob: more than " + maxBytes + " bytes (expected: at most " + maxBytes + ")"));
        }
        sha256.update(chunk);
        chunks.add(ByteBuffer.wrap(chunk));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("blob: the upload stream failed: " + e.getMessage()));
    }
    String id = new ObjectId().toHexString();
    BlobInfo info =
        new BlobInfo(
            id, contentType, size, HexFormat.of().formatHex(sha256.digest()), Instant.now());
    Document metadata =
        new Document("contentType", info.contentType()).append("sha256", info.sha256());
    Docs.putInstant(metadata, "createdAt", info.createdAt());
    GridFSUploadOptions options =
        new GridFSUploadOptions().chunkSizeBytes(CHUNK_BYTES).metadata(metadata);
    return Reactive.done(
            () ->
                bucket.uploadFromPublisher(
                    new BsonString(id), id, new ListPublisher<>(chunks), options))
        .thenApply(ignored -> info);
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
