package dev.chatsdk.mongo.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A publisher of a fixed list of items that honours back-pressure; each subscriber receives every
 * item. Thread-safe: {@code request} may be called from any thread, reentrantly.
 */
final class ListPublisher<T> implements Publisher<T> {
  private final List<T> items;

  ListPublisher(List<T> items) {
    this.items = List.copyOf(items);
  }

  @Override
  public void subscribe(Subscriber<? super T> subscriber) {
    subscriber.onSubscribe(new ListSubscription<>(items, subscriber));
  }

  private static final class ListSubscription<T> implements Subscription {
    private final List<T> items;
    private final Subscriber<? super T> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger draining = new AtomicInteger();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    // Only the thread that owns the drain loop touches next.
    private int next;

    ListSubscription(List<T> items, Subscriber<? super T> subscriber) {
      this.items = items;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled.set(true);
        subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }

    private void drain() {
      if (draining.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        while (!cancelled.get() && next < items.size() && demand.get() > 0) {
          demand.decrementAndGet();
          subscriber.onNext(items.get(next++));
        }
        if (!cancelled.get() && next == items.size()) {
          cancelled.set(true);
          subscriber.onComplete();
        }
        missed = draining.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}
