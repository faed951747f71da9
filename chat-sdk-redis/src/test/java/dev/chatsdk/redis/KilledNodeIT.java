package dev.chatsdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Presence;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A presence node in another JVM is killed with SIGKILL; the surviving node must notice. */
class KilledNodeIT {
  private static final long TTL_MS = 3000;
  private static final long HEARTBEAT_MS = 500;

  private String uri;
  private String prefix;
  private Process child;
  private RedisPresenceRegistry survivor;

  @BeforeEach
  void setUp() {
    uri = RedisTestSupport.sharedRedisUri();
    prefix = RedisTestSupport.uniquePrefix();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (survivor != null) {
      survivor.close();
    }
    RedisTestSupport.deleteKeys(uri, prefix);
  }

  @Test
  void usersOfAKilledNodeGoOfflineElsewhereWithinTheLeaseTtlUnlessOnlineElsewhere()
      throws Exception {
    List<String> expiries = new CopyOnWriteArrayList<>();
    survivor =
        RedisPresenceRegistry.builder()
            .redisUri(uri)
            .keyPrefix(prefix)
            .nodeId("survivor")
            .leaseTtl(Duration.ofMillis(TTL_MS))
            .heartbeatInterval(Duration.ofMillis(HEARTBEAT_MS))
            .eventListener(
                new RedisBusListener() {
                  @Override
                  public void leasesExpired(String deadNodeId, int sessions, int usersOffline) {
                    expiries.add(deadNodeId + ":" + sessions + ":" + usersOffline);
                  }
                })
            .build();
    RecordingPresenceListener listener = new RecordingPresenceListener();
    survivor.addListener(listener);
    survivor.sessionOpened("judy", "s1").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(listener.next(Duration.ofSeconds(5))).isEqualTo(new Presence("judy", true, null));

    child = startNode("victim", "ivan:k1", "judy:k2", "ivan:k3");
    assertThat(listener.next(Duration.ofSeconds(5)))
        .as("ivan came online on the other node")
        .isEqualTo(new Presence("ivan", true, null));
    assertThat(presence("ivan", "judy").values()).allMatch(Presence::online);

    child.destroyForcibly();
    Instant killedAt = Instant.now();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    Duration bound = Duration.ofMillis(TTL_MS + 2 * HEARTBEAT_MS + 3000);
    Presence change = listener.next(bound);
    assertThat(change).as("ivan reported offline within %s", bound).isNotNull();
    assertThat(change.userId()).isEqualTo("ivan");
    assertThat(change.online()).isFalse();
    assertThat(change.lastSeen()).isAfter(killedAt);
    assertThat(Duration.between(killedAt, Instant.now())).isLessThan(bound);

    Map<String, Presence> after = presence("ivan", "judy");
    assertThat(after.get("ivan").online()).isFalse();
    assertThat(after.get("judy").online()).as("judy still has a session here").isTrue();
    assertThat(listener.next(Duration.ofMillis(3 * HEARTBEAT_MS))).isNull();
    assertThat(expiries).containsExactly("victim:3:1");
  }

  @Test
  void nodePausedBeyondItsLeaseIsExpiredThenRestoresItsSessionsWhenItResumes() throws Exception {
    survivor =
        RedisPresenceRegistry.builder()
            .redisUri(uri)
            .keyPrefix(prefix)
            .nodeId("survivor")
            .leaseTtl(Duration.ofMillis(TTL_MS))
            .heartbeatInterval(Duration.ofMillis(HEARTBEAT_MS))
            .build();
    RecordingPresenceListener listener = new RecordingPresenceListener();
    survivor.addListener(listener);
    child = startNode("sleeper", "kate:k1");
    assertThat(listener.next(Duration.ofSeconds(5))).isEqualTo(new Presence("kate", true, null));

    signal("STOP");
    try {
      Presence expired = listener.next(Duration.ofMillis(TTL_MS + 2 * HEARTBEAT_MS + 3000));
      assertThat(expired).as("kate expired while her node was frozen").isNotNull();
      assertThat(expired.online()).isFalse();
    } finally {
      signal("CONT");
    }

    assertThat(listener.next(Duration.ofSeconds(5)))
        .as("the resumed node wrote its session back")
        .isEqualTo(new Presence("kate", true, null));
    assertThat(presence("kate").get("kate").online()).isTrue();
  }

  /** Sends a signal (STOP, CONT) to the child JVM, as a long GC pause or a frozen VM would. */
  private void signal(String name) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(child.pid()))
            .redirectErrorStream(true)
            .start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", name).isZero();
  }

  private Map<String, Presence> presence(String... users) throws Exception {
    return survivor.presence(List.of(users)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private Process startNode(String nodeId, String... sessions) throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                KilledNodeMain.class.getName(),
                uri,
                prefix,
                nodeId,
                Long.toString(TTL_MS),
                Long.toString(HEARTBEAT_MS)));
    command.addAll(List.of(sessions));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.equals("READY")) {
                    return true;
                  }
                  System.out.println("[victim] " + line);
                }
              } catch (java.io.IOException e) {
                return false;
              }
              return false;
            });
    assertThat(ready.get(30, TimeUnit.SECONDS)).as("victim node started").isTrue();
    return process;
  }
}
