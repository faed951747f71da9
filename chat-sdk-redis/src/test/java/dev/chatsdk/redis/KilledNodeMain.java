package dev.chatsdk.redis;

import java.time.Duration;

/**
 * A presence node in its own JVM, for {@link KilledNodeIT} to kill with SIGKILL. Arguments: Redis
 * URI, key prefix, node id, lease TTL ms, heartbeat ms, then {@code user:session} pairs to open.
 * Prints {@code READY} once every session is open, then waits to be killed.
 */
public final class KilledNodeMain {
  private KilledNodeMain() {}

  public static void main(String[] args) throws Exception {
    RedisPresenceRegistry registry =
        RedisPresenceRegistry.builder()
            .redisUri(args[0])
            .keyPrefix(args[1])
            .nodeId(args[2])
            .leaseTtl(Duration.ofMillis(Long.parseLong(args[3])))
            .heartbeatInterval(Duration.ofMillis(Long.parseLong(args[4])))
            .build();
    for (int i = 5; i < args.length; i++) {
      String[] pair = args[i].split(":", 2);
      registry.sessionOpened(pair[0], pair[1]).toCompletableFuture().get();
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(2).toMillis());
    System.exit(2);
  }
}
