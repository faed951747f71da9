package dev.chatsdk.api.port;

import dev.chatsdk.api.BlobInfo;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Stores binary objects (avatars, attachments). Thread-safe. {@link #put} reads the given stream;
 * call it from a thread that may block on that stream, never from an IO thread.
 */
public interface BlobStore {
  /**
   * Stores the bytes read from {@code content} until its end. Fails with {@code TOO_LARGE} as soon
   * as more than {@code maxBytes} are read, leaving nothing stored.
   */
  CompletionStage<BlobInfo> put(String contentType, InputStream content, long maxBytes);

  /** The blob with this id: metadata and bytes. */
  CompletionStage<Optional<Blob>> get(String id);

  /** Deletes a blob; a no-op for an unknown id. */
  CompletionStage<Void> delete(String id);

  /** A stored blob's metadata and content. Blobs are capped at write, so content is bounded. */
  record Blob(BlobInfo info, byte[] content) {
    public Blob {
      Objects.requireNonNull(info, "info");
      Objects.requireNonNull(content, "content");
    }
  }
}
