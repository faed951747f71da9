package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.awaitAnyFailure;
import static dev.chatsdk.testkit.Contracts.awaitFailure;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.api.port.BlobStore.Blob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link BlobStore} must pass. Extend it, implement {@link #createStore()}, and
 * run it as a test class.
 *
 * <p>Each test calls {@link #createStore()} once and {@link #closeStore(BlobStore)} after. The
 * factory may return one store shared by every test: tests only touch blobs they stored. {@code
 * put} is called on the test thread, which may block on the stream as the port allows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BlobStoreContractTest {
  private static final long ONE_MIB = 1024 * 1024;

  private @Nullable BlobStore store;

  /** Creates (or returns the shared) store under test. Called before each test. */
  protected abstract BlobStore createStore();

  /**
   * Releases what {@link #createStore()} made; called after each test. The default does nothing.
   */
  protected void closeStore(BlobStore store) {}

  @BeforeEach
  final void setUpBlobStore() {
    store = createStore();
  }

  @AfterEach
  final void tearDownBlobStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  private BlobStore store() {
    if (store == null) {
      throw new IllegalStateException("createStore() not called yet");
    }
    return store;
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void storedBlobIsReadBackWithItsMetadata() {
    byte[] bytes = randomBytes(1000, 1);
    Instant before = Instant.now().minusSeconds(1);

    BlobInfo info = await(store().put("image/png", new ByteArrayInputStream(bytes), ONE_MIB));

    assertThat(info.id()).isNotBlank();
    assertThat(info.contentType()).isEqualTo("image/png");
    assertThat(info.size()).isEqualTo(1000);
    assertThat(info.sha256()).isEqualTo(sha256Hex(bytes)).matches("[0-9a-f]{64}");
    assertThat(info.createdAt()).isBetween(before, Instant.now().plus(Duration.ofSeconds(1)));
    Blob blob = await(store().get(info.id())).orElseThrow();
    assertThat(blob.info()).isEqualTo(info);
    assertThat(blob.content()).isEqualTo(bytes);
  }

  @Test
  void largeBlobArrivesIntactAcrossManyReads() {
    byte[] bytes = randomBytes((int) ONE_MIB + 12_345, 2);

    BlobInfo info =
        await(
            store().put("application/octet-stream", new ByteArrayInputStream(bytes), 2 * ONE_MIB));

    assertThat(info.size()).isEqualTo(bytes.length);
    assertThat(info.sha256()).isEqualTo(sha256Hex(bytes));
    assertThat(await(store().get(info.id())).orElseThrow().content()).isEqualTo(bytes);
  }

  @Test
  void everyByteValueSurvives() {
    byte[] bytes = new byte[512];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }

    BlobInfo info =
        await(store().put("application/octet-stream", new ByteArrayInputStream(bytes), 512));

    assertThat(await(store().get(info.id())).orElseThrow().content()).isEqualTo(bytes);
  }

  @Test
  void emptyBlobIsStored() {
    BlobInfo info = await(store().put("text/plain", new ByteArrayInputStream(new byte[0]), 0));

    assertThat(info.size()).isZero();
    assertThat(info.sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(await(store().get(info.id())).orElseThrow().content()).isEmpty();
  }

  @Test
  void blobOfExactlyTheCapIsAccepted() {
    byte[] bytes = randomBytes(4096, 3);

    BlobInfo info = await(store().put("image/jpeg", new ByteArrayInputStream(bytes), 4096));

    assertThat(info.size()).isEqualTo(4096);
  }

  @Test
  void blobOneByteOverTheCapFailsWithTooLarge() {
    byte[] bytes = randomBytes(4097, 4);

    awaitFailure(
        store().put("image/jpeg", new ByteArrayInputStream(bytes), 4096), ErrorCode.TOO_LARGE);
  }

  @Test
  void capIsEnforcedWhileReadingAnEndlessStream() {
    CountingEndlessStream endless = new CountingEndlessStream();

    awaitFailure(store().put("image/png", endless, ONE_MIB), ErrorCode.TOO_LARGE);

    assertThat(endless.read).as("bytes read before giving up").isLessThanOrEqualTo(2 * ONE_MIB);
  }

  @Test
  void failingStreamFailsThePut() {
    InputStream broken =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            if (served++ < 100) {
              return 'x';
            }
            throw new IOException("connection reset by peer");
          }
        };

    Throwable failure = awaitAnyFailure(store().put("image/png", broken, ONE_MIB));

    assertThat(failure).isInstanceOf(ChatException.class);
  }

  @Test
  void eachPutGetsItsOwnId() {
    byte[] bytes = randomBytes(10, 5);

    BlobInfo first = await(store().put("image/png", new ByteArrayInputStream(bytes), 100));
    BlobInfo second = await(store().put("image/png", new ByteArrayInputStream(bytes), 100));

    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(first.sha256()).isEqualTo(second.sha256());
  }

  @Test
  void unknownBlobIsNotFound() {
    assertThat(await(store().get(uniqueId("missing")))).isEmpty();
  }

  @Test
  void deletedBlobIsGone() {
    BlobInfo info =
        await(store().put("image/png", new ByteArrayInputStream(randomBytes(10, 6)), 100));
    BlobInfo other =
        await(store().put("image/png", new ByteArrayInputStream(randomBytes(10, 7)), 100));

    await(store().delete(info.id()));

    assertThat(await(store().get(info.id()))).isEmpty();
    assertThat(await(store().get(other.id()))).isPresent();
  }

  @Test
  void deletingAnUnknownBlobIsANoOp() {
    String id = uniqueId("missing");

    await(store().delete(id));

    assertThat(await(store().get(id))).isEmpty();
  }

  /** An endless stream of bytes that counts how many were read. */
  private static final class CountingEndlessStream extends InputStream {
    volatile long read;

    @Override
    public int read() {
      read++;
      return 'a';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) 'a');
      read += len;
      return len;
    }
  }
}
