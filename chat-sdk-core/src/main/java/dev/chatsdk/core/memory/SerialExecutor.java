package dev.chatsdk.core.memory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. Thread-safe. A task that
 * throws is logged and does not stop the ones after it. Tasks submitted after the backing executor
 * rejected work are dropped.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  /** Tasks run per turn on the backing executor, so one busy queue cannot hog a thread. */
  private static final int BATCH = 256;

  private final Executor backing;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialExecutor(Executor backing) {
    this.backing = backing;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
      try {
        backing.execute(this::drain);
      } catch (RejectedExecutionException e) {
        tasks.clear();
        scheduled.set(false);
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      int budget = BATCH;
      while (budget-- > 0 && (task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("listener failed", e);
        }
      }
    } finally {
      scheduled.set(false);
      schedule();
    }
  }
}
