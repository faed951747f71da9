package dev.chatsdk.bench;

import dev.chatsdk.api.NewMessage;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Measures what the in-memory message store keeps per message: the live heap after a full
 * collection, before and after appending messages shaped like the benchmark's (UUID users and
 * conversations, generator-style keys and bodies) into 500 two-member conversations.
 *
 * <p>Usage (after {@code bench/run.sh} built the classpath): {@code java -cp "$(ls
 * bench/target/chat-bench-*.jar):$(cat bench/target/classpath.txt)"
 * dev.chatsdk.bench.StoreFootprint [messages]}
 */
public final class StoreFootprint {
  private StoreFootprint() {}

  public static void main(String[] args) throws InterruptedException {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int conversations = 500;
    String[] conversationIds = new String[conversations];
    String[] userIds = new String[2 * conversations];
    for (int i = 0; i < conversations; i++) {
      conversationIds[i] = UUID.randomUUID().toString();
      userIds[2 * i] = UUID.randomUUID().toString();
      userIds[2 * i + 1] = UUID.randomUUID().toString();
    }
    InMemoryMessageStore store = new InMemoryMessageStore();
    long before = liveHeap();
    for (int i = 0; i < messages; i++) {
      int c = i % conversations;
      String sender = userIds[2 * c + (i / conversations) % 2];
      store
          .append(
              new NewMessage(
                  conversationIds[c],
                  sender,
                  "k" + (1_000_000L + i) + "-" + i,
                  "t=" + (1_700_000_000_000L + i),
                  List.of(),
                  Instant.now()))
          .toCompletableFuture()
          .join();
    }
    long after = liveHeap();
    System.out.printf(
        Locale.ROOT,
        "%d messages in %d conversations: %.1f bytes of live heap each%n",
        messages,
        conversations,
        (after - before) / (double) messages);
    if (store.lastSeq(conversationIds[0]).toCompletableFuture().join() == 0) {
      throw new IllegalStateException("the store lost its messages"); // keeps it reachable
    }
  }

  private static long liveHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
