package dev.chatsdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialRunnerTest {
  private final ExecutorService backing = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    backing.shutdownNow();
  }

  @Test
  void anIdleRunnerRunsAnInlineTaskOnTheCallingThread() {
    SerialRunner runner = SerialRunner.forEngine(backing);
    List<Thread> ranOn = new ArrayList<>();
    runner.executeInline(() -> ranOn.add(Thread.currentThread()));
    assertThat(ranOn).containsExactly(Thread.currentThread());
  }

  @Test
  void tasksSubmittedDuringAnInlineTaskRunAfterItOnTheSameThread() {
    SerialRunner runner = SerialRunner.forEngine(backing);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    runner.executeInline(
        () -> {
          runner.execute(() -> order.add("second " + Thread.currentThread().getName()));
          runner.executeInline(() -> order.add("third " + Thread.currentThread().getName()));
          order.add("first " + Thread.currentThread().getName());
        });
    String me = Thread.currentThread().getName();
    assertThat(order).containsExactly("first " + me, "second " + me, "third " + me);
  }

  @Test
  void aBusyRunnerQueuesAnInlineTaskBehindTheRunningOne() throws Exception {
    SerialRunner runner = SerialRunner.forEngine(backing);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    runner.execute(
        () -> {
          started.countDown();
          await(release);
          order.add("running");
        });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    Thread caller = Thread.currentThread();
    runner.executeInline(
        () -> {
          order.add(Thread.currentThread() == caller ? "inline" : "queued");
          done.countDown();
        });
    assertThat(order).isEmpty();
    release.countDown();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("running", "queued");
  }

  @Test
  void aFailingInlineTaskDoesNotStopTheOnesAfterIt() {
    SerialRunner runner = SerialRunner.forEngine(backing);
    List<String> order = new ArrayList<>();
    runner.executeInline(
        () -> {
          runner.execute(() -> order.add("after"));
          throw new IllegalStateException("boom");
        });
    runner.executeInline(() -> order.add("next"));
    assertThat(order).containsExactly("after", "next");
  }

  @Test
  void manyProducersKeepEachProducersOrder() throws Exception {
    SerialRunner runner = SerialRunner.forEngine(backing);
    int perProducer = 5_000;
    List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2 * perProducer);
    Thread[] producers = new Thread[2];
    for (int p = 0; p < 2; p++) {
      int producer = p;
      producers[p] =
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  int n = i;
                  Runnable task =
                      () -> {
                        seen.add(new int[] {producer, n});
                        done.countDown();
                      };
                  if (n % 2 == 0) {
                    runner.executeInline(task);
                  } else {
                    runner.execute(task);
                  }
                }
              });
      producers[p].start();
    }
    for (Thread t : producers) {
      t.join();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    int[] next = new int[2];
    synchronized (seen) {
      for (int[] e : seen) {
        assertThat(e[1]).as("producer %d", e[0]).isEqualTo(next[e[0]]);
        next[e[0]]++;
      }
    }
    assertThat(next).containsExactly(perProducer, perProducer);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
