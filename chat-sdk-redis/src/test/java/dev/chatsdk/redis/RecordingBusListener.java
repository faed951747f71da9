package dev.chatsdk.redis;

import dev.chatsdk.api.port.ClusterBus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a bus delivers, with bounded waits. Thread-safe. */
final class RecordingBusListener implements ClusterBus.Listener {
  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final AtomicInteger reconnects = new AtomicInteger();

  @Override
  public void onMessage(String topic, byte[] payload) {
    messages.add(topic + "=" + new String(payload, StandardCharsets.UTF_8));
  }

  @Override
  public void onReconnected() {
    reconnects.incrementAndGet();
  }

  /** The next delivery as {@code topic=payload}, or null after {@code timeout}. */
  String next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many times {@link #onReconnected()} was called. */
  int reconnects() {
    return reconnects.get();
  }

  /** Deliveries not taken yet. */
  int pending() {
    return messages.size();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
