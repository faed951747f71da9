package dev.chatsdk.mongo.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A publisher of byte chunks pushed by one producing thread, which blocks until the subscriber asks
 * for more: the producer reads its input only as fast as the consumer writes it, so at most one
 * chunk waits in memory. Single subscriber; single producer thread.
 */
final class PushPublisher implements Publisher<ByteBuffer> {
  private static final long POLL_MILLIS = 50;

  private final Semaphore demand = new Semaphore(0);
  private final CompletableFuture<Subscriber<? super ByteBuffer>> subscribed =
      new CompletableFuture<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  // The terminal signal (an error, or COMPLETE), delivered once the subscriber is there.
  private static final Throwable COMPLETE = new Throwable("complete", null, false, false) {};
  private final AtomicReference<@Nullable Throwable> terminal = new AtomicReference<>();
  private final AtomicBoolean delivered = new AtomicBoolean();

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
    if (!subscribed.complete(subscriber)) {
      subscriber.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(new IllegalStateException("one subscriber only"));
      return;
    }
    subscriber.onSubscribe(
        new Subscription() {
          @Override
          public void request(long n) {
            if (n <= 0) {
              cancelled.set(true);
              return;
            }
            demand.release((int) Math.min(n, Integer.MAX_VALUE / 2));
          }

          @Override
          public void cancel() {
            cancelled.set(true);
          }
        });
    deliverTerminal();
  }

  /**
   * Hands one chunk to the subscriber once it asked for one. Returns false, without handing it,
   * when the subscriber cancelled or {@code consumerDone} completed (the consumer failed).
   */
  boolean push(ByteBuffer chunk, CompletableFuture<?> consumerDone) throws InterruptedException {
    while (!demand.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (cancelled.get() || consumerDone.isDone()) {
        return false;
      }
    }
    if (cancelled.get()) {
      return false;
    }
    subscribed.join().onNext(chunk);
    return true;
  }

  /** Ends the stream (after the last {@link #push}); delivered whenever the subscriber arrives. */
  void complete() {
    terminal.compareAndSet(null, COMPLETE);
    deliverTerminal();
  }

  /** Fails the stream; delivered whenever the subscriber arrives. */
  void fail(Throwable error) {
    terminal.compareAndSet(null, error);
    deliverTerminal();
  }

  private void deliverTerminal() {
    Throwable signal = terminal.get();
    if (signal == null || !subscribed.isDone() || !delivered.compareAndSet(false, true)) {
      return;
    }
    if (signal == COMPLETE) {
      subscribed.join().onComplete();
    } else {
      subscribed.join().onError(signal);
    }
  }
}
