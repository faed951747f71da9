package dev.chatsdk.redis;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records presence changes a registry reports, with bounded waits. Thread-safe. */
final class RecordingPresenceListener implements PresenceRegistry.Listener {
  private final BlockingQueue<Presence> changes = new LinkedBlockingQueue<>();

  @Override
  public void onPresenceChanged(Presence presence) {
    changes.add(presence);
  }

  /** The next change, or null after {@code timeout}. */
  Presence next(Duration timeout) throws InterruptedException {
    return changes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
