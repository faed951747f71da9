package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.event.ServerFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small helpers shared by the engine's classes: dispatch, stage adapters, error mapping. */
final class Engines {
  private static final Logger log = LoggerFactory.getLogger(Engines.class);

  private Engines() {}

  /** Runs a task on an executor; if it refuses (shut down), runs it on the calling thread. */
  static void dispatch(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      try {
        task.run();
      } catch (Throwable t) {
        log.error("engine task failed", t);
      }
    }
  }

  /**
   * Calls a port method and returns its stage as a future; a port that throws instead of failing
   * its stage gives a failed future.
   */
  static <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> call) {
    try {
      CompletionStage<T> stage = call.get();
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new ChatException(ErrorCode.INTERNAL, "a port returned no stage"));
      }
      return stage.toCompletableFuture();
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  /**
   * The failure as a {@link ChatException}: itself if it is one, else a new one with {@code
   * fallback} as code and {@code what} naming the failed operation.
   */
  static ChatException toChat(Throwable t, ErrorCode fallback, String what) {
    Throwable cause = unwrap(t);
    if (cause instanceof ChatException ce) {
      return ce;
    }
    return new ChatException(fallback, what + ": failed, retry later", cause);
  }

  /**
   * For {@code exceptionallyCompose}: fails the stage with the failure as a {@link ChatException}
   * ({@link ErrorCode#UNAVAILABLE} unless it already is one), {@code what} naming the operation.
   */
  static <T> Function<Throwable, CompletionStage<T>> failAs(String what) {
    return e -> CompletableFuture.failedFuture(toChat(e, ErrorCode.UNAVAILABLE, what));
  }

  /** The {@code error} frame for a failure. */
  static ServerFrame.ErrorFrame errorFrame(
      ChatException e, @Nullable String ref, @Nullable String clientMsgId) {
    long retryAfterMs = 0;
    if (e instanceof RateLimitedException rl) {
      retryAfterMs = Math.max(0, rl.retryAfter().toMillis());
    }
    String message = e.getMessage() == null ? e.code().wireName() : e.getMessage();
    return new ServerFrame.ErrorFrame(
        e.code().wireName(), message, ref, clientMsgId, e.retryable(), retryAfterMs);
  }
}
