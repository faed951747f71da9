package dev.chatsdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** Helpers shared by the contract tests: bounded waits, error checks, fresh ids, races. */
final class Contracts {
  /** The bound on every single wait in a contract test. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Contracts() {}

  /** Waits for the stage and returns its value; fails the test on timeout or error. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("stage not complete within " + TIMEOUT, e);
    }
  }

  /**
   * Waits for the stage to fail and returns its {@link ChatException}, asserting its code. The
   * failure must come through the stage, not as an exception thrown by the call.
   */
  static ChatException awaitFailure(CompletionStage<?> stage, ErrorCode expected) {
    Throwable cause;
    try {
      Object value = stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(
          "expected a failure with code " + expected + " but the stage completed with " + value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      cause = unwrap(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("stage not complete within " + TIMEOUT, e);
    }
    assertThat(cause)
        .as("failure of a stage expected to fail with " + expected)
        .isInstanceOf(ChatException.class);
    ChatException chat = (ChatException) cause;
    assertThat(chat.code()).as("error code of: " + chat.getMessage()).isEqualTo(expected);
    return chat;
  }

  /** Waits for the stage to fail with any exception and returns it (unwrapped). */
  static Throwable awaitAnyFailure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure but the stage completed with " + value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      return unwrap(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("stage not complete within " + TIMEOUT, e);
    }
  }

  /** Waits until the condition holds; fails the test after {@link #TIMEOUT}. */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TIMEOUT + ": " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /**
   * Sleeps briefly, to give a wrongly delivered message the chance to show up before asserting it
   * did not.
   */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The current time at millisecond precision, which every store must keep exactly. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A fresh id: the prefix, a dash and 16 random lower-case letters and digits. */
  static String uniqueId(String prefix) {
    return prefix + "-" + randomToken(16);
  }

  /** A random string of lower-case letters and digits. */
  static String randomToken(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /**
   * Starts {@code tasks} calls of {@code task} (given the call's index) on {@code threads} threads
   * released together, and waits until every returned stage completed. Returns the stages, done, in
   * index order: a call that threw or whose stage failed is a failed future.
   */
  static <T> List<CompletableFuture<T>> race(
      int threads, int tasks, IntFunction<? extends CompletionStage<T>> task) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<T>> results = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        int index = i;
        results.add(
            CompletableFuture.supplyAsync(
                    () -> {
                      awaitLatch(go);
                      return task.apply(index);
                    },
                    pool)
                .thenCompose(stage -> stage));
      }
      go.countDown();
      try {
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // some failed; callers inspect each result
      } catch (TimeoutException e) {
        throw new AssertionError("racing calls not complete within " + TIMEOUT, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The values of racing calls that must all have succeeded. */
  static <T> List<T> values(List<CompletableFuture<T>> results) {
    List<T> values = new ArrayList<>(results.size());
    for (CompletableFuture<T> result : results) {
      values.add(await(result));
    }
    return values;
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("start signal not given within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
