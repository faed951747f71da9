package dev.chatsdk.core.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted tasks one at a time, in submission order, on a backing executor: an actor's
 * mailbox. Tasks of one runner never overlap, so state confined to them needs no lock. A long
 * backlog is run in batches, giving the backing executor's threads back in between. Thread-safe.
 *
 * <p>Two flavours: {@link #forEngine} runs the backlog on the calling thread once the backing
 * executor refuses work and logs any {@link Throwable} a task throws; {@link #forListeners} drops
 * the backlog once the backing executor refuses work and logs a {@link RuntimeException} a task
 * throws (an {@link Error} propagates). Either way a failing task does not stop the ones after it.
 */
public final class SerialRunner implements Executor {
  private static final Logger ENGINE_LOG = LoggerFactory.getLogger(SerialRunner.class);
  private static final Logger LISTENER_LOG =
      LoggerFactory.getLogger("dev.chatsdk.core.memory.SerialExecutor");

  /** Tasks run per turn on the backing executor, so one busy queue cannot hog a thread. */
  private static final int BATCH = 256;

  private final Executor backing;
  private final boolean engine;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  private SerialRunner(Executor backing, boolean engine) {
    this.backing = backing;
    this.engine = engine;
  }

  /**
   * Returns a runner for engine tasks: if the backing executor refuses (shut down), the backlog
   * runs on the submitting thread; a task's failure, {@link Error}s included, is logged.
   */
  static SerialRunner forEngine(Executor backing) {
    return new SerialRunner(backing, true);
  }

  /**
   * Returns a runner for listener callbacks: once the backing executor refuses work, queued and
   * later tasks are dropped; a task's {@link RuntimeException} is logged.
   */
  public static SerialRunner forListeners(Executor backing) {
    return new SerialRunner(backing, false);
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  /**
   * Runs the task on the calling thread when the runner is idle (nothing queued, nothing running),
   * followed by whatever was submitted meanwhile (one batch); otherwise queues it as {@link
   * #execute} does. This saves a thread hand-off for a cheap, non-blocking task submitted by a
   * thread that holds no lock the runner's tasks could need.
   */
  void executeInline(Runnable task) {
    if (!tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
      execute(task);
      return;
    }
    run(task);
    drain();
  }

  private void schedule() {
    if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
      if (engine) {
        Engines.dispatch(backing, this::drain);
        return;
      }
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
      for (int i = 0; i < BATCH; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        run(task);
      }
    } finally {
      scheduled.set(false);
      schedule();
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      if (engine) {
        ENGINE_LOG.error("engine task failed", e);
      } else {
        LISTENER_LOG.warn("listener failed", e);
      }
    } catch (Error e) {
      if (!engine) {
        throw e;
      }
      ENGINE_LOG.error("engine task failed", e);
    }
  }
}
