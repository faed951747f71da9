package dev.chatsdk.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on completion stages for tests. */
final class Async {
  private Async() {}

  /** Waits up to 10 seconds for the stage and returns its value, rethrowing its failure. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError("stage failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (TimeoutException e) {
      throw new AssertionError("stage did not complete within 10 s", e);
    }
  }

  /** Waits for the stage to fail with a ChatException of the given code and returns it. */
  static ChatException failure(CompletionStage<?> stage, ErrorCode code) {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      return fail("expected " + code + " but completed with " + value);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      assertThat(cause).isInstanceOf(ChatException.class);
      ChatException ce = (ChatException) cause;
      assertThat(ce.code()).as("code of '%s'", ce.getMessage()).isEqualTo(code);
      return ce;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (TimeoutException e) {
      throw new AssertionError("stage did not complete within 10 s", e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
