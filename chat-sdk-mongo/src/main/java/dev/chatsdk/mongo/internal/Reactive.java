package dev.chatsdk.mongo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Bridges the driver's reactive-streams publishers to {@link CompletableFuture}s. Every failure,
 * including one thrown while subscribing, completes the future with a {@link
 * dev.chatsdk.api.ChatException} mapped by {@link Errors#map}. Futures complete on a driver thread.
 */
public final class Reactive {
  private Reactive() {}

  /** The first item of the publisher, if any; the subscription is cancelled after it. */
  public static <T> CompletableFuture<Optional<T>> first(Supplier<? extends Publisher<T>> source) {
    CompletableFuture<Optional<T>> result = new CompletableFuture<>();
    subscribe(
        source,
        result,
        new Subscriber<T>() {
          private @Nullable Subscription subscription;

          @Override
          public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(1);
          }

          @Override
          public void onNext(T item) {
            if (result.complete(Optional.of(item)) && subscription != null) {
              subscription.cancel();
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(Errors.map(t));
          }

          @Override
          public void onComplete() {
            result.complete(Optional.empty());
          }
        });
    return result;
  }

  /** Every item of the publisher, in order. */
  public static <T> CompletableFuture<List<T>> list(Supplier<? extends Publisher<T>> source) {
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    subscribe(
        source,
        result,
        new Subscriber<T>() {
          private final List<T> items = new ArrayList<>();

          @Override
          public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(T item) {
            items.add(item);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(Errors.map(t));
          }

          @Override
          public void onComplete() {
            result.complete(items);
          }
        });
    return result;
  }

  /** Completes when the publisher completes, ignoring its items. */
  public static <T> CompletableFuture<Void> done(Supplier<? extends Publisher<T>> source) {
    return list(source).thenApply(ignored -> null);
  }

  private static <T> void subscribe(
      Supplier<? extends Publisher<T>> source,
      CompletableFuture<?> result,
      Subscriber<T> subscriber) {
    try {
      source.get().subscribe(subscriber);
    } catch (RuntimeException e) {
      result.completeExceptionally(Errors.map(e));
    }
  }
}
