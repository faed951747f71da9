package dev.chatsdk.mongo.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  // The end of the stream, delivered once the subscriber has its subscription (onSubscribe first).
  private final AtomicBoolean completed = new AtomicBoolean();
  private final AtomicBoolean subscriptionGiven = new AtomicBoolean();
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
    subscriptionGiven.set(true);
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
    completed.set(true);
    deliverTerminal();
  }

  private void deliverTerminal() {
    if (completed.get() && subscriptionGiven.get() && delivered.compareAndSet(false, true)) {
      subscribed.join().onComplete();
    }
  }
}
