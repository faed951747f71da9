package dev.chatsdk.client;

import java.util.Set;
import java.util.stream.Collectors;

/** Thread snapshots for leak checks. */
final class Threads {
  private Threads() {}

  /** The live threads now. */
  static Set<Thread> snapshot() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  /**
   * The threads alive now that were not in {@code before}, after waiting up to {@code millis} for
   * them to end (collecting garbage meanwhile: the JDK 17 HTTP client's selector thread ends once
   * its client is unreachable).
   */
  static Set<String> leftOver(Set<Thread> before, long millis) throws InterruptedException {
    return leftOver(before, millis, name -> false);
  }

  /** As {@link #leftOver(Set, long)}, not counting threads whose name {@code ignore} accepts. */
  static Set<String> leftOver(
      Set<Thread> before, long millis, java.util.function.Predicate<String> ignore)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    Set<String> names;
    do {
      System.gc();
      names =
          snapshot().stream()
              .filter(t -> !before.contains(t))
              .filter(t -> !isJvmOwned(t))
              .map(Thread::getName)
              .filter(name -> !ignore.test(name))
              .collect(Collectors.toSet());
      if (names.isEmpty()) {
        return names;
      }
      Thread.sleep(100);
    } while (System.currentTimeMillis() < deadline);
    return names;
  }

  /** Whether a thread belongs to the in-process test server rather than to the client. */
  static boolean isServerThread(String name) {
    return name.startsWith("XNIO")
        || name.startsWith("xnio")
        || name.startsWith("chat-engine-")
        || name.startsWith("chat-jwt-verify-")
        || name.startsWith("chat-password-hashing-")
        || name.startsWith("chat-server-")
        || name.startsWith("chat-inprocess-bus")
        || name.startsWith("chat-inmemory-presence");
  }

  private static boolean isJvmOwned(Thread t) {
    String name = t.getName();
    return name.startsWith("ForkJoinPool.commonPool")
        || name.equals("Common-Cleaner")
        || name.startsWith("surefire")
        || name.startsWith("process reaper")
        || name.equals("Attach Listener");
  }
}
