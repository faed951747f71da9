package dev.chatsdk.core.auth;

import static dev.chatsdk.core.auth.Async.await;
import static dev.chatsdk.core.auth.Async.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.port.PasswordHasher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {

  /** A hasher that blocks until released, to fill the pool deterministically. */
  private static final class GatedHasher implements PasswordHasher {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public String hash(char[] password) {
      seen.add(new String(password));
      started.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("not released within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return "h:" + password.length;
    }

    @Override
    public boolean verify(char[] password, String encodedHash) {
      if (!encodedHash.startsWith("h:")) {
        throw new IllegalArgumentException("encodedHash: unknown format");
      }
      return encodedHash.equals("h:" + password.length);
    }
  }

  @Test
  void saturatedPoolFailsFastWithRetryableRateLimited() throws Exception {
    GatedHasher hasher = new GatedHasher();
    try (PasswordHashing hashing =
        PasswordHashing.builder()
            .hasher(hasher)
            .threads(1)
            .queueCapacity(1)
            .retryAfter(Duration.ofSeconds(2))
            .build()) {
      CompletionStage<String> running = hashing.hash("first-pw".toCharArray());
      assertThat(hasher.started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletionStage<String> queued = hashing.hash("second".toCharArray());

      ChatException refused =
          failure(hashing.verify("third".toCharArray(), "h:5"), ErrorCode.RATE_LIMITED);

      assertThat(refused).isInstanceOf(RateLimitedException.class);
      assertThat(refused.retryable()).isTrue();
      assertThat(((RateLimitedException) refused).retryAfter()).isEqualTo(Duration.ofSeconds(2));
      hasher.release.countDown();
      assertThat(await(running)).isEqualTo("h:8");
      assertThat(await(queued)).isEqualTo("h:6");
      assertThat(await(hashing.verify("third".toCharArray(), "h:5"))).isTrue();
    }
  }

  @Test
  void callerMayZeroItsArrayRightAfterTheCall() throws Exception {
    GatedHasher hasher = new GatedHasher();
    try (PasswordHashing hashing = PasswordHashing.builder().hasher(hasher).threads(1).build()) {
      char[] password = "hunter22".toCharArray();
      CompletionStage<String> hash = hashing.hash(password);
      java.util.Arrays.fill(password, '\0');
      hasher.release.countDown();

      assertThat(await(hash)).isEqualTo("h:8");
      assertThat(hasher.seen).containsExactly("hunter22");
    }
  }

  @Test
  void malformedStoredHashFailsAsInternal() {
    try (PasswordHashing hashing =
        PasswordHashing.builder().hasher(new GatedHasher()).threads(1).build()) {
      ChatException e = failure(hashing.verify("pw".toCharArray(), "bogus"), ErrorCode.INTERNAL);
      assertThat(e.getMessage()).doesNotContain("bogus");
    }
  }

  @Test
  void closedPoolRefusesWorkAsUnavailable() {
    PasswordHashing hashing = PasswordHashing.builder().hasher(new GatedHasher()).build();
    hashing.close();

    failure(hashing.hash("pw".toCharArray()), ErrorCode.UNAVAILABLE);
  }

  @Test
  void defaultsRunArgon2idOnABoundedPool() {
    try (PasswordHashing hashing = PasswordHashing.withDefaults()) {
      assertThat(hashing.hasher()).isInstanceOf(Argon2idPasswordHasher.class);
      assertThat(PasswordHashing.DEFAULT_THREADS).isPositive();
      assertThat(
              hashing.needsRehash("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
          .isTrue();
    }
  }
}
