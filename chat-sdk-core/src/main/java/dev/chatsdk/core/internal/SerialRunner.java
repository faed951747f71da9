package dev.chatsdk.core.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted tasks one at a time, in submission order, on a backing executor: an actor's
 * mailbox. Tasks of one runner never overlap, so state confined to them needs no lock. A long
 * backlog is run in batches, giving the backing executor's threads back in between.
 */
final class SerialRunner implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialRunner.class);
  private static final int BATCH = 256;

  private final Executor backing;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialRunner(Executor backing) {
    this.backing = backing;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      Engines.dispatch(backing, this::drain);
    }
  }

  private void drain() {
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (Throwable t) {
          log.error("engine task failed", t);
        }
      }
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
