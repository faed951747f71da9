package dev.chatsdk.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one peer: opens connections, sends on an open-loop schedule and records latency from the
 * scheduled send time (so a stalled server cannot hide its stalls).
 */
final class Load implements AutoCloseable {
  final Peer peer;

  /**
   * The one generator thread: it reads, and it sends on schedule (so a send never waits on a second
   * generator thread for the core).
   */
  private final EventLoop loop = new EventLoop("gen");

  private final long base = System.nanoTime();
  private final Recorder delivery = new Recorder(3);
  private final Recorder ack = new Recorder(3);
  private final Recorder connect = new Recorder(3);
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicReference<String> firstDrop = new AtomicReference<>();
  // Clients connected and not yet closed by the caller (each holds a 16 KB read buffer), so that
  // close() can close what a failed step left open. Confined to the caller's thread.
  private final Set<Client> opened = new HashSet<>();
  private volatile long stepStart = Long.MAX_VALUE;

  Load(Peer peer) {
    this.peer = peer;
  }

  /** One generator-side session. */
  final class Client implements Connection.Handler {
    final BenchUser user;
    final List<String> conversations;
    final Connection connection;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final long started = System.nanoTime();
    private volatile boolean open = true;
    private volatile Semaphore permits;

    Client(BenchUser user, List<String> conversations) {
      this.user = user;
      this.conversations = conversations;
      this.connection = peer.connection(user, this);
    }

    @Override
    public void onOpen(Connection c) {
      for (String f : peer.openingFrames(user, conversations)) {
        c.sendText(f);
      }
      if (peer.readyOnOpen()) {
        markReady();
      }
    }

    private void markReady() {
      if (ready.getCount() > 0) {
        connect.recordValue(System.nanoTime() - started);
        ready.countDown();
        releasePermit();
      }
    }

    private void releasePermit() {
      Semaphore p = permits;
      if (p != null) {
        permits = null;
        p.release();
      }
    }

    @Override
    public void onText(Connection c, CharSequence text) {
      String reply = peer.replyTo(text);
      if (reply != null) {
        c.sendText(reply);
        return;
      }
      if (ready.getCount() > 0) {
        if (peer.isReady(text)) {
          markReady();
        }
        return;
      }
      long stamp = peer.deliveredStamp(text);
      if (stamp >= 0) {
        if (stamp >= stepStart) {
          delivery.recordValue(Math.max(0, System.nanoTime() - stamp));
          delivered.incrementAndGet();
        }
        return;
      }
      long ackId = peer.ackId(text);
      if (ackId >= 0) {
        long scheduled = base + ackId;
        if (scheduled >= stepStart) {
          ack.recordValue(Math.max(0, System.nanoTime() - scheduled));
          acked.incrementAndGet();
        }
      }
    }

    @Override
    public void onClosed(Connection c, String reason) {
      if (open) {
        open = false;
        dropped.incrementAndGet();
        firstDrop.compareAndSet(null, reason);
      }
      ready.countDown();
      releasePermit();
    }

    boolean isOpen() {
      return open && !connection.isClosed();
    }

    /** Sends one message; called on the loop thread by the pacer. */
    void send(String conversationId, long scheduled, int serial) {
      connection.sendText(
          peer.sendFrame(
              conversationId, Integer.toString(serial), scheduled - base, "t=" + scheduled));
    }

    /** Closes the connection; on the thread that connected it. */
    void close() {
      open = false;
      opened.remove(this);
      connection.loop().execute(() -> connection.close("done"));
    }
  }

  /**
   * Connects every user (with at most {@code inFlight} handshakes at once); fails if any is not
   * ready in time.
   */
  List<Client> connect(
      List<BenchUser> users, List<List<String>> conversations, int inFlight, Duration timeout)
      throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    List<Client> clients = new ArrayList<>(users.size());
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < users.size(); i++) {
      if (!permits.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("connect: handshakes stalled after " + i + " connections");
      }
      Client c = new Client(users.get(i), conversations.get(i));
      clients.add(c);
      opened.add(c);
      c.permits = permits;
      loop.connect(peer.address(), c.connection);
    }
    for (Client c : clients) {
      if (!c.ready.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
          || !c.isOpen()) {
        throw new IllegalStateException(
            "connect: "
                + peer.name()
                + " session not ready within "
                + timeout
                + " (dropped "
                + dropped.get()
                + (firstDrop.get() == null ? "" : ", the first: " + firstDrop.get())
                + ")");
      }
    }
    return clients;
  }

  /** The connect-to-ready latencies recorded since the last call. */
  Histogram connectLatencies() {
    return connect.getIntervalHistogram();
  }

  /** One send of a schedule: who sends into which conversation, and how many deliveries follow. */
  record Send(Client from, String conversationId, int recipients) {}

  /** What one step measured. */
  record Step(
      double rate,
      long sent,
      long expected,
      long delivered,
      Histogram latency,
      Histogram ackLatency,
      long acked,
      long pacerLagP99Nanos,
      double serverCpuSeconds,
      double seconds,
      long generatorGcCycles,
      long generatorJitMillis) {
    boolean lossFree() {
      return delivered >= expected;
    }

    boolean generatorBehind() {
      return pacerLagP99Nanos > TimeUnit.MILLISECONDS.toNanos(10);
    }

    /**
     * Whether a collection cycle of the generator's own JVM ran during the step: a concurrent ZGC
     * cycle takes 100 to 500 ms of CPU from the generator's core, which its event loop needs.
     */
    boolean generatorCollected() {
      return generatorGcCycles > 0;
    }
  }

  /** Collection cycles of this JVM so far (ZGC's cycles, or every collection of another GC). */
  static long gcCycles() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!gc.getName().endsWith("Pauses")) {
        n += Math.max(0, gc.getCollectionCount());
      }
    }
    return n;
  }

  /** Milliseconds this JVM's JIT compilers have spent so far. */
  static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * Sends {@code rate} messages per second for {@code duration} over the plan, then waits for
   * deliveries.
   */
  Step run(List<Send> plan, double rate, Duration duration, boolean expectAcks) {
    long n = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    delivered.set(0);
    acked.set(0);
    delivery.reset();
    ack.reset();
    stepStart = start;
    Histogram lag = new Histogram(3);
    long[] expected = {0};
    double cpu0 = peer.proc().cpuSeconds();
    long gc0 = gcCycles();
    long jit0 = jitMillis();
    CountDownLatch sent = new CountDownLatch(1);
    loop.spin(true);
    loop.pace(
        new EventLoop.Pacer() {
          private long i;

          @Override
          public boolean runDue(long now) {
            long t;
            while (i < n && (t = start + (long) (i * 1e9 / rate)) <= now) {
              lag.recordValue(now - t);
              Send s = plan.get((int) (i % plan.size()));
              expected[0] += s.recipients();
              s.from().send(s.conversationId(), t, (int) i);
              i++;
            }
            if (i < n) {
              return true;
            }
            sent.countDown();
            return false;
          }
        });
    try {
      sent.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    }
    long sendEnd = System.nanoTime();
    long drainDeadline = sendEnd + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < drainDeadline
        && (delivered.get() < expected[0] || (expectAcks && acked.get() < n))) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    double cpu = peer.proc().cpuSeconds() - cpu0;
    loop.spin(false);
    stepStart = Long.MAX_VALUE;
    return new Step(
        rate,
        n,
        expected[0],
        delivered.get(),
        delivery.getIntervalHistogram(),
        ack.getIntervalHistogram(),
        acked.get(),
        lag.getValueAtPercentile(99),
        cpu,
        (sendEnd - start) / 1e9,
        gcCycles() - gc0,
        jitMillis() - jit0);
  }

  /**
   * Closes every connection this load opened that the caller did not close (a failed step leaves
   * them open), on its loop, which owns them (closing the selector alone would leave their sockets
   * open); then the loop.
   */
  @Override
  public void close() {
    List<Client> left = List.copyOf(opened);
    opened.clear();
    CountDownLatch closed = new CountDownLatch(1);
    loop.execute(
        () -> {
          left.forEach(c -> c.connection.close("done"));
          closed.countDown();
        });
    try {
      if (!closed.await(10, TimeUnit.SECONDS)) {
        System.err.println("load: connections not closed within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loop.close();
    }
  }
}
