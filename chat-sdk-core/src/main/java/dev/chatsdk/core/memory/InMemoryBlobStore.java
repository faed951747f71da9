package dev.chatsdk.core.memory;

import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.BlobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link BlobStore} on the heap. {@link #put} reads the stream on the calling thread, hashing as
 * it goes, and stops reading as soon as the size cap is passed. Thread-safe. Every stage is
 * complete when the method returns.
 */
public final class InMemoryBlobStore implements BlobStore {
  private static final int CHUNK = 8192;

  private final Map<String, Blob> byId = new ConcurrentHashMap<>();
  private final Clock clock;

  /** Creates an empty store that stamps blobs with the system UTC clock. */
  public InMemoryBlobStore() {
    this(Clock.systemUTC());
  }

  /** Creates an empty store that stamps blobs with {@code clock}. */
  public InMemoryBlobStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads {@code content} to its end (without closing it) and stores the bytes. Fails with {@code
   * TOO_LARGE} once more than {@code maxBytes} were read, with {@code INVALID_ARGUMENT} for a
   * negative cap or a stream that fails while being read.
   */
  @Override
  public CompletionStage<BlobInfo> put(String contentType, InputStream content, long maxBytes) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
    return Stages.now(
        () -> {
          if (maxBytes < 0) {
            throw ChatException.invalid("maxBytes: " + maxBytes + " (expected: >= 0)");
          }
          MessageDigest sha256 = sha256();
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          byte[] chunk = new byte[CHUNK];
          long total = 0;
          try {
            int n;
            while ((n = content.read(chunk)) != -1) {
              total += n;
              if (total > maxBytes) {
                throw new ChatException(
                    ErrorCode.TOO_LARGE,
                    "content: more than "
                        + maxBytes
                        + " bytes (expected: at most "
                        + maxBytes
                        + ")");
              }
              sha256.update(chunk, 0, n);
              bytes.write(chunk, 0, n);
            }
          } catch (IOException e) {
            throw new ChatException(
                ErrorCode.INVALID_ARGUMENT,
                "content: reading failed after " + total + " bytes: " + e.getMessage(),
                e);
          }
          byte[] data = bytes.toByteArray();
          BlobInfo info =
              new BlobInfo(
                  Ids.next(),
                  contentType,
                  data.length,
                  HexFormat.of().formatHex(sha256.digest()),
                  clock.instant());
          byId.put(info.id(), new Blob(info, data));
          return info;
        });
  }

  /** The blob with this id; the returned content is a fresh copy the caller may change. */
  @Override
  public CompletionStage<Optional<Blob>> get(String id) {
    Objects.requireNonNull(id, "id");
    return Stages.now(
        () -> Optional.ofNullable(byId.get(id)).map(b -> new Blob(b.info(), b.content().clone())));
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    Objects.requireNonNull(id, "id");
    return Stages.now(
        () -> {
          byId.remove(id);
          return null;
        });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new StoreUnavailableException("SHA-256 is not available in this JVM", e);
    }
  }
}
