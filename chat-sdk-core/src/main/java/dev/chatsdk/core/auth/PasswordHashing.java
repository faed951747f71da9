package dev.chatsdk.core.auth;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.port.PasswordHasher;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link PasswordHasher} on a bounded pool of its own threads, so that hashing never runs on
 * an IO thread and a flood of logins cannot queue without end or starve the engine: when all
 * threads are busy and the queue is full, calls fail at once with a {@link RateLimitedException}
 * ({@link ErrorCode#RATE_LIMITED}, retryable, retry after {@link Builder#retryAfter}).
 *
 * <p>Each call copies the password array before returning and zeroes its copy when done; the caller
 * may zero its own array as soon as the call returns.
 *
 * <p>Thread-safe. Lifecycle: threads start on demand and end after idling; {@link #close()} stops
 * accepting work (later calls fail with {@link ErrorCode#UNAVAILABLE}) and lets queued work finish.
 */
public final class PasswordHashing implements AutoCloseable {
  /** Worker threads: half the available processors, at least 1. */
  public static final int DEFAULT_THREADS =
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  /** Calls that may wait for a thread before further calls are refused: 32. */
  public static final int DEFAULT_QUEUE_CAPACITY = 32;

  /** The retry delay suggested when saturated: 1 second. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final PasswordHasher hasher;
  private final ThreadPoolExecutor pool;
  private final Duration retryAfter;

  private PasswordHashing(Builder b) {
    this.hasher = b.hasher != null ? b.hasher : Argon2idPasswordHasher.withDefaults();
    this.retryAfter = b.retryAfter;
    AtomicInteger count = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            b.threads,
            b.threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(b.queueCapacity),
            r -> {
              Thread t = new Thread(r, "chat-password-hashing-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns an instance with an {@link Argon2idPasswordHasher} and the default pool sizes. */
  public static PasswordHashing withDefaults() {
    return builder().build();
  }

  /** Hashes the password on the pool. Fails with {@link ErrorCode#RATE_LIMITED} when saturated. */
  public CompletionStage<String> hash(char[] password) {
    Objects.requireNonNull(password, "password");
    return submit(password, hasher::hash);
  }

  /**
   * Verifies the password against an encoded hash on the pool. Fails with {@link
   * ErrorCode#RATE_LIMITED} when saturated, with {@link ErrorCode#INTERNAL} when the encoded hash
   * is malformed.
   */
  public CompletionStage<Boolean> verify(char[] password, String encodedHash) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(encodedHash, "encodedHash");
    return submit(password, copy -> hasher.verify(copy, encodedHash));
  }

  /** Whether the encoded hash should be redone with the hasher's current parameters; cheap. */
  public boolean needsRehash(String encodedHash) {
    return hasher.needsRehash(Objects.requireNonNull(encodedHash, "encodedHash"));
  }

  /** The hasher the pool runs. */
  public PasswordHasher hasher() {
    return hasher;
  }

  private <T> CompletionStage<T> submit(char[] password, Function<char[], T> work) {
    char[] copy = password.clone();
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              result.complete(work.apply(copy));
            } catch (IllegalArgumentException e) {
              result.completeExceptionally(
                  new ChatException(ErrorCode.INTERNAL, "stored password hash is malformed", e));
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
            } finally {
              Arrays.fill(copy, '\0');
            }
          });
    } catch (RejectedExecutionException e) {
      Arrays.fill(copy, '\0');
      if (pool.isShutdown()) {
        return CompletableFuture.failedFuture(
            new ChatException(ErrorCode.UNAVAILABLE, "password hashing is closed"));
      }
      return CompletableFuture.failedFuture(
          new RateLimitedException(
              ErrorCode.RATE_LIMITED, "too many password checks in progress", retryAfter));
    }
    return result;
  }

  /** Stops accepting work; queued and running calls still complete. Idempotent. */
  @Override
  public void close() {
    pool.shutdown();
  }

  /** Builds a {@link PasswordHashing}. Not thread-safe. */
  public static final class Builder {
    private @Nullable PasswordHasher hasher;
    private int threads = DEFAULT_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;

    private Builder() {}

    /** Sets the hasher to run. Default: {@link Argon2idPasswordHasher#withDefaults()}. */
    public Builder hasher(PasswordHasher hasher) {
      this.hasher = Objects.requireNonNull(hasher, "hasher");
      return this;
    }

    /**
     * Sets the number of worker threads. Default {@link #DEFAULT_THREADS}.
     *
     * @throws IllegalArgumentException unless 1..256
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads: " + threads + " (expected: 1..256)");
      }
      this.threads = threads;
      return this;
    }

    /**
     * Sets how many calls may wait for a thread. Default {@link #DEFAULT_QUEUE_CAPACITY}.
     *
     * @throws IllegalArgumentException unless 1..100000
     */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 1 || queueCapacity > 100_000) {
        throw new IllegalArgumentException(
            "queueCapacity: " + queueCapacity + " (expected: 1..100000)");
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Sets the retry delay reported when saturated. Default {@link #DEFAULT_RETRY_AFTER}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** Builds the instance; its threads start on first use. */
    public PasswordHashing build() {
      return new PasswordHashing(this);
    }
  }
}
