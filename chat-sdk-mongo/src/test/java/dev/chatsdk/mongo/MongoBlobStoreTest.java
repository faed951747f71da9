package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.mongo.internal.Reactive;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class MongoBlobStoreTest extends MongoStoreTestBase {
  /** The bucket's chunk size. */
  private static final int GRIDFS_CHUNK = 255 * 1024;

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void blobsRoundTripAcrossSeveralChunksWithTheirMetadata() throws Exception {
    byte[] bytes = randomBytes(700_000);

    BlobInfo info =
        await(store.blobStore().put("image/png", new ByteArrayInputStream(bytes), 1_000_000));
    BlobStore.Blob blob = await(store.blobStore().get(info.id())).orElseThrow();

    assertThat(info.size()).isEqualTo(bytes.length);
    assertThat(info.contentType()).isEqualTo("image/png");
    assertThat(info.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(blob.info()).isEqualTo(info);
    assertThat(blob.content()).isEqualTo(bytes);
  }

  @Test
  void emptyBlobsAreStored() {
    BlobInfo info = await(store.blobStore().put("text/plain", InputStream.nullInputStream(), 10));

    assertThat(await(store.blobStore().get(info.id())).orElseThrow().content()).isEmpty();
  }

  @Test
  void blobsLargerThanTheCapFailWhileReadingAndLeaveNothingStored() {
    AtomicLong served = new AtomicLong();
    // An endless stream: the cap must stop the reading, not the end of the input.
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served.incrementAndGet();
            return 7;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 7);
            served.addAndGet(len);
            return len;
          }
        };

    assertThatThrownBy(() -> await(store.blobStore().put("image/png", endless, 300_000)))
        .satisfies(
            e -> assertThat(((ChatException) e.getCause()).code()).isEqualTo(ErrorCode.TOO_LARGE));
    assertThat(served.get()).isLessThan(300_000 + 2 * 255 * 1024);
    assertThat(count("blobs.files")).isZero();
    assertThat(count("blobs.chunks")).isZero();
  }

  @Test
  void manyConcurrentOversizedUploadsLeaveNoChunkBehind() throws Exception {
    // Several chunks of each upload are in flight when the cap is hit; none may land after the
    // removal that precedes the error.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var failures = new java.util.ArrayList<java.util.concurrent.Future<Throwable>>();
      for (int i = 0; i < 16; i++) {
        byte[] bytes = randomBytes(6 * GRIDFS_CHUNK);
        failures.add(
            pool.submit(
                () -> {
                  try {
                    await(
                        store
                            .blobStore()
                            .put("image/png", new ByteArrayInputStream(bytes), 5L * GRIDFS_CHUNK));
                    return null;
                  } catch (RuntimeException e) {
                    return e.getCause();
                  }
                }));
      }
      for (var failure : failures) {
        assertThat(failure.get()).isInstanceOf(ChatException.class);
        assertThat(((ChatException) failure.get()).code()).isEqualTo(ErrorCode.TOO_LARGE);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(count("blobs.files")).isZero();
    assertThat(count("blobs.chunks")).isZero();
  }

  @Test
  void deletedAndUnknownBlobsAreAbsentAndDeletingThemIsANoOp() {
    BlobInfo info =
        await(store.blobStore().put("image/jpeg", new ByteArrayInputStream(randomBytes(10)), 10));

    await(store.blobStore().delete(info.id()));
    await(store.blobStore().delete(info.id()));
    await(store.blobStore().delete("never-stored"));

    assertThat(await(store.blobStore().get(info.id()))).isEmpty();
    assertThat(await(store.blobStore().get("never-stored"))).isEmpty();
    assertThat(count("blobs.chunks")).isZero();
  }

  private long count(String collection) {
    try (var client =
        com.mongodb.reactivestreams.client.MongoClients.create(mongo.connectionString())) {
      return await(
              Reactive.first(
                  () ->
                      client
                          .getDatabase(store.databaseName())
                          .getCollection(collection)
                          .countDocuments(new Document())))
          .orElse(0L);
    }
  }
}
