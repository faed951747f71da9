package dev.chatsdk.testkit;

import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A fake {@link ClientConnection} that records, as text, every frame it is sent, for tests of code
 * that pushes frames (an engine, a fan-out). Waits are bounded: each {@code await*} method fails
 * with an {@link AssertionError} listing the frames received when its timeout passes.
 *
 * <p>By default each {@link #send} completes its callback at once. {@link #holdCallbacks(boolean)
 * holdCallbacks(true)} keeps callbacks pending instead, simulating a slow consumer whose writes
 * never finish, until {@link #releaseHeldCallbacks()} completes them.
 *
 * <p>After {@link #close}, sends are not recorded and their callbacks complete with an {@link
 * IllegalStateException}. Thread-safe; every field is guarded by {@code this}.
 */
public final class RecordingConnection implements ClientConnection {
  private final String id;
  private final Executor ioExecutor;
  private final @Nullable String remoteAddress;
  private final List<String> frames = new ArrayList<>();
  private final List<SendCallback> held = new ArrayList<>();
  private boolean holding;
  private boolean closed;
  private int closeCode;
  private @Nullable String closeReason;

  /** A connection with a random id, running IO on the caller's thread. */
  public RecordingConnection() {
    this("conn-" + UUID.randomUUID());
  }

  /** A connection with the given id, running IO on the caller's thread. */
  public RecordingConnection(String id) {
    this(id, Runnable::run, null);
  }

  /**
   * A connection with the given id, IO executor and remote address (null for none). The executor is
   * what {@link #ioExecutor()} reports; the connection itself records on the caller's thread.
   */
  public RecordingConnection(String id, Executor ioExecutor, @Nullable String remoteAddress) {
    this.id = Objects.requireNonNull(id, "id");
    this.ioExecutor = Objects.requireNonNull(ioExecutor, "ioExecutor");
    this.remoteAddress = remoteAddress;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Executor ioExecutor() {
    return ioExecutor;
  }

  @Override
  public Optional<String> remoteAddress() {
    return Optional.ofNullable(remoteAddress);
  }

  /** Records the frame's text and completes the callback, unless callbacks are held. */
  @Override
  public void send(Frame frame, SendCallback callback) {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(callback, "callback");
    boolean wasClosed;
    synchronized (this) {
      wasClosed = closed;
      if (!wasClosed) {
        frames.add(frame.text());
        notifyAll();
        if (holding) {
          held.add(callback);
          return;
        }
      }
    }
    callback.completed(
        wasClosed ? new IllegalStateException("connection " + id + " is closed") : null);
  }

  /** Records the close code and reason of the first call; later calls are ignored. */
  @Override
  public void close(int code, String reason) {
    Objects.requireNonNull(reason, "reason");
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeCode = code;
      closeReason = reason;
      notifyAll();
    }
  }

  /**
   * Whether to hold send callbacks (true) or complete them at once (false). Turning holding off
   * does not release callbacks already held; see {@link #releaseHeldCallbacks()}.
   */
  public synchronized void holdCallbacks(boolean hold) {
    this.holding = hold;
  }

  /** How many send callbacks are held, not yet completed. */
  public synchronized int heldCallbackCount() {
    return held.size();
  }

  /**
   * Completes every held callback successfully, on the calling thread, and returns how many there
   * were.
   */
  public int releaseHeldCallbacks() {
    List<SendCallback> toComplete;
    synchronized (this) {
      toComplete = List.copyOf(held);
      held.clear();
    }
    toComplete.forEach(cb -> cb.completed(null));
    return toComplete.size();
  }

  /** Every frame recorded so far, in send order. */
  public synchronized List<String> frames() {
    return List.copyOf(frames);
  }

  /** The recorded frames whose {@code type} field equals {@code type}, in send order. */
  public List<String> framesOfType(String type) {
    Objects.requireNonNull(type, "type");
    return frames().stream().filter(hasType(type)).toList();
  }

  /** The recorded frames parsed as JSON objects, in send order. */
  public List<Map<String, @Nullable Object>> parsedFrames() {
    return frames().stream().map(Json::parseObject).toList();
  }

  /** Forgets the frames recorded so far (the connection stays open). */
  public synchronized void clearFrames() {
    frames.clear();
  }

  /** Whether {@link #close} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** The code {@link #close} was called with, or 0 while open. */
  public synchronized int closeCode() {
    return closeCode;
  }

  /** The reason {@link #close} was called with, if closed. */
  public synchronized Optional<String> closeReason() {
    return Optional.ofNullable(closeReason);
  }

  /**
   * Waits until a recorded frame (sent before or during the wait) matches, and returns the first
   * one that does.
   */
  public String awaitFrame(Predicate<String> matcher, Duration timeout) {
    return awaitFrames(matcher, 1, timeout).get(0);
  }

  /** Waits until a frame of this {@code type} is recorded, and returns the first one. */
  public String awaitType(String type, Duration timeout) {
    Objects.requireNonNull(type, "type");
    return awaitFrames(hasType(type), 1, timeout).get(0);
  }

  /**
   * Waits until at least {@code count} recorded frames match, and returns the first {@code count}.
   */
  public List<String> awaitFrames(Predicate<String> matcher, int count, Duration timeout) {
    Objects.requireNonNull(matcher, "matcher");
    Objects.requireNonNull(timeout, "timeout");
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        List<String> matching = new ArrayList<>(count);
        for (String frame : frames) {
          if (matcher.test(frame)) {
            matching.add(frame);
            if (matching.size() == count) {
              return List.copyOf(matching);
            }
          }
        }
        waitUntil(
            deadline,
            () ->
                "expected "
                    + count
                    + " matching frame(s) within "
                    + timeout
                    + ", found "
                    + matching.size()
                    + "; frames: "
                    + frames);
      }
    }
  }

  /** Waits until the connection is closed, and returns the close code. */
  public int awaitClose(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!closed) {
        waitUntil(
            deadline, () -> "connection not closed within " + timeout + "; frames: " + frames);
      }
      return closeCode;
    }
  }

  /** A predicate matching frames whose top-level {@code type} field equals {@code type}. */
  public static Predicate<String> hasType(String type) {
    Objects.requireNonNull(type, "type");
    return frame -> type.equals(typeOf(frame));
  }

  /** The top-level {@code type} field of a frame, or null if absent or the frame is not JSON. */
  public static @Nullable String typeOf(String frame) {
    try {
      return Json.parseObject(frame).get("type") instanceof String s ? s : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void waitUntil(long deadline, Supplier<String> failure) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new AssertionError(failure.get());
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  @Override
  public synchronized String toString() {
    return "RecordingConnection[" + id + ", " + frames.size() + " frames, closed=" + closed + "]";
  }
}
