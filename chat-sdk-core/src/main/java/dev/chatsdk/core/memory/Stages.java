package dev.chatsdk.core.memory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Turns synchronous work into completed stages: a thrown exception fails the stage. */
final class Stages {
  private Stages() {}

  /** Runs {@code work} now and completes a stage with its result or its exception. */
  static <T> CompletableFuture<T> now(Supplier<T> work) {
    try {
      return CompletableFuture.completedFuture(work.get());
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
