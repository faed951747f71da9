package dev.chatsdk.core.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptTrackerTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration LOCKOUT = Duration.ofMinutes(1);
  private static final Duration MAX_LOCKOUT = Duration.ofMinutes(5);

  private static void fail(AttemptTracker tracker, String key, long now) {
    assertThat(tracker.tryAcquire(key, now)).isEmpty();
    tracker.release(key, now, true);
  }

  @Test
  void lockoutDoublesUpToTheCap() {
    AttemptTracker tracker = new AttemptTracker(2, WINDOW, LOCKOUT, MAX_LOCKOUT, 100);
    long now = 0;
    fail(tracker, "k", now);
    fail(tracker, "k", now);
    assertThat(tracker.tryAcquire("k", now)).contains(Duration.ofMinutes(1));

    long[] expectedMinutes = {2, 4, 5, 5};
    for (long minutes : expectedMinutes) {
      now += Duration.ofMinutes(5).toMillis() + 1;
      fail(tracker, "k", now);
      assertThat(tracker.tryAcquire("k", now)).contains(Duration.ofMinutes(minutes));
    }
  }

  @Test
  void onlyOneAttemptAtATimeAfterALockout() {
    AttemptTracker tracker = new AttemptTracker(1, WINDOW, LOCKOUT, MAX_LOCKOUT, 100);
    fail(tracker, "k", 0);
    long after = LOCKOUT.toMillis();

    assertThat(tracker.tryAcquire("k", after)).isEmpty();
    assertThat(tracker.tryAcquire("k", after)).contains(AttemptTracker.BUSY_RETRY);
  }

  @Test
  void resetForgetsFailures() {
    AttemptTracker tracker = new AttemptTracker(3, WINDOW, LOCKOUT, MAX_LOCKOUT, 100);
    fail(tracker, "k", 0);
    fail(tracker, "k", 0);
    assertThat(tracker.tryAcquire("k", 0)).isEmpty();

    tracker.reset("k");

    assertThat(tracker.trackedKeys()).isZero();
    fail(tracker, "k", 0);
    fail(tracker, "k", 0);
    assertThat(tracker.tryAcquire("k", 0)).isEmpty();
  }

  @Test
  void trackedKeysStayBoundedUnderASprayOfKeys() {
    AttemptTracker tracker = new AttemptTracker(5, WINDOW, LOCKOUT, MAX_LOCKOUT, 1000);

    for (int i = 0; i < 50_000; i++) {
      fail(tracker, "user" + i, i);
    }

    assertThat(tracker.trackedKeys()).isEqualTo(1000);
  }

  @Test
  void staleKeysAreSweptAsTheTrackerIsUsed() {
    AttemptTracker tracker = new AttemptTracker(5, WINDOW, LOCKOUT, MAX_LOCKOUT, 1000);
    for (int i = 0; i < 6; i++) {
      fail(tracker, "old" + i, 0);
    }
    long later = WINDOW.toMillis() + 1;

    fail(tracker, "fresh", later);

    assertThat(tracker.trackedKeys()).isEqualTo(1);
  }

  @Test
  void successfulAttemptsLeaveNoState() {
    AttemptTracker tracker = new AttemptTracker(5, WINDOW, LOCKOUT, MAX_LOCKOUT, 1000);

    for (int i = 0; i < 100; i++) {
      assertThat(tracker.tryAcquire("addr", i)).isEmpty();
      tracker.release("addr", i, false);
    }

    assertThat(tracker.trackedKeys()).isZero();
  }
}
