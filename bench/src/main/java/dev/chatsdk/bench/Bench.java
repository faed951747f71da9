package dev.chatsdk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The benchmark: runs each scenario against our server, the Socket.IO peer and the floor, in
 * alternating order over several rounds, and prints medians and ratios measured in this run.
 *
 * <p>Usage: {@code bench/run.sh [--quick]} (see docs/BENCHMARKS.md).
 */
public final class Bench {
  private final Settings s;
  private final Path jar;
  private final Path socketIoDir;
  private final String serverCpus;

  /** scenario/metric -> peer -> values over rounds. */
  private final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();

  private final List<String> notes = new ArrayList<>();

  private final long started = System.nanoTime();

  /** Steps run again because the generator was behind schedule or collecting. */
  private int retried;

  /** The scenarios to run: 1:1, fanout, storm, idle, durable (all by default). */
  private final List<String> scenarios =
      List.of(System.getProperty("bench.scenarios", "1:1,fanout,storm,idle,durable").split(","));

  /** How many users without conversations the storm and idle scenarios connect as. */
  private static final int LONERS = 100;

  /** JIT seconds per 5 s warm-up slice below which a JVM's compilers count as quiet. */
  private static final double JIT_QUIET_SECONDS = 0.1;

  record Settings(
      boolean quick,
      int rounds,
      int pairs,
      int groupSize,
      int idleConnections,
      int stormConnections,
      Duration step,
      double[] oneToOneRates,
      double[] fanoutRates,
      double[] durableRates) {
    static Settings of(boolean quick, int fdLimit) {
      int idle = Math.max(1000, Math.min(19_000, fdLimit - 1_000));
      return quick
          ? new Settings(
              true,
              1,
              100,
              200,
              2_000,
              1_000,
              Duration.ofSeconds(2),
              new double[] {1_000, 2_000, 5_000, 10_000},
              new double[] {20, 50, 100, 200},
              new double[] {100, 200, 500, 1_000, 2_000})
          : new Settings(
              false,
              3,
              500,
              1_000,
              idle,
              5_000,
              Duration.ofSeconds(3),
              new double[] {2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 40_000},
              // finer steps where the peers saturated the server's core on a slower day (100..200);
              // 400 and 600 for a faster one, where ours passed 300 in every round
              new double[] {20, 50, 100, 125, 150, 175, 200, 300, 400, 600},
              new double[] {50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000});
    }
  }

  private Bench(Settings s, Path jar, Path socketIoDir, String serverCpus) {
    this.s = s;
    this.jar = jar;
    this.socketIoDir = socketIoDir;
    this.serverCpus = serverCpus;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    Path jar = root.resolve("chat-server-undertow/target/chat-server.jar");
    if (!Files.exists(jar) && System.getProperty("bench.peers", "ours").contains("ours")) {
      System.err.println("bench: " + jar + " missing (run: mvn -B -DskipTests package)");
      System.exit(2);
    }
    int cores = Integer.getInteger("bench.cores", Runtime.getRuntime().availableProcessors());
    int fdLimit = fdLimit();
    String serverCpus = System.getProperty("bench.serverCpus", cores >= 2 ? "0" : null);
    Settings settings = Settings.of(quick, fdLimit);
    Integer rounds = Integer.getInteger("bench.rounds");
    if (rounds != null) {
      settings =
          new Settings(
              settings.quick(),
              rounds,
              settings.pairs(),
              settings.groupSize(),
              settings.idleConnections(),
              settings.stormConnections(),
              settings.step(),
              settings.oneToOneRates(),
              settings.fanoutRates(),
              settings.durableRates());
    }
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores (server on cpu %s, generator on the rest), fd limit %d, %s %s%n",
        cores,
        serverCpus,
        fdLimit,
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    System.out.printf(
        Locale.ROOT,
        "mode: %s, %d round(s), step %s%n%n",
        quick ? "quick" : "full",
        settings.rounds(),
        settings.step());
    Bench bench = new Bench(settings, jar, root.resolve("bench/peers/socketio"), serverCpus);
    bench.runAll();
    bench.print();
    System.out.printf(Locale.ROOT, "%nrun time: %s%n", bench.elapsed());
  }

  private void runAll() throws Exception {
    List<String> wanted =
        List.of(System.getProperty("bench.peers", "ours,socketio,floor").split(","));
    List<Supplier<Peer>> peers = new ArrayList<>();
    if (wanted.contains("ours")) {
      peers.add(() -> new OurServerPeer(jar, true));
    }
    if (wanted.contains("socketio")) {
      peers.add(() -> new SocketIoPeer(socketIoDir));
    }
    if (wanted.contains("floor")) {
      peers.add(FloorPeer::new);
    }
    boolean perRound =
        scenarios.stream().anyMatch(List.of("1:1", "fanout", "storm", "idle")::contains);
    for (int round = 0; perRound && round < s.rounds(); round++) {
      for (int i = 0; i < peers.size(); i++) {
        Peer peer = peers.get((i + round) % peers.size()).get();
        runPeer(peer, round);
      }
    }
    if (wanted.contains("ours") && scenarios.contains("durable")) {
      runDurable();
    }
  }

  /** Minutes and seconds since the run started, for the progress lines. */
  private String elapsed() {
    long secs = (System.nanoTime() - started) / 1_000_000_000L;
    return String.format(Locale.ROOT, "%d:%02d", secs / 60, secs % 60);
  }

  private void runPeer(Peer peer, int round) throws Exception {
    System.out.printf(Locale.ROOT, "round %d: %s (at %s)%n", round + 1, peer.name(), elapsed());
    try (peer;
        Load load = new Load(peer)) {
      peer.start(serverCpus);
      int userCount = Math.max(2 * s.pairs(), s.groupSize());
      long t0 = System.nanoTime();
      List<BenchUser> users = peer.users(userCount);
      System.out.printf(
          Locale.ROOT, "  %d users in %.1f s%n", users.size(), (System.nanoTime() - t0) / 1e9);

      if (scenarios.contains("1:1")) {
        oneToOne(peer, load, users);
      }
      if (scenarios.contains("fanout")) {
        fanout(peer, load, users);
      }
      if (!(peer instanceof FloorPeer)
          && (scenarios.contains("storm") || scenarios.contains("idle"))) {
        // users in no conversation, so that connects measure the connection, not a large hello
        List<BenchUser> loners = peer.users(LONERS);
        if (scenarios.contains("storm")) {
          storm(peer, load, loners);
        }
        if (scenarios.contains("idle")) {
          idle(peer, load, loners);
        }
      }
    } catch (Exception e) {
      notes.add(peer.name() + " round " + (round + 1) + " failed: " + e.getMessage());
      System.out.println("  FAILED: " + e.getMessage());
      if (peer.proc() != null) {
        System.out.println(peer.proc().lastLines());
      }
    }
  }

  private void oneToOne(Peer peer, Load load, List<BenchUser> users) throws Exception {
    List<BenchUser> a = users.subList(0, s.pairs());
    List<BenchUser> b = users.subList(s.pairs(), 2 * s.pairs());
    List<BenchUser> all = new ArrayList<>();
    List<List<String>> convs = new ArrayList<>();
    List<String> pairConv = new ArrayList<>();
    for (int i = 0; i < s.pairs(); i++) {
      String c = peer.conversation(List.of(a.get(i), b.get(i)));
      pairConv.add(c);
    }
    for (int i = 0; i < s.pairs(); i++) {
      all.add(a.get(i));
      convs.add(List.of(pairConv.get(i)));
      all.add(b.get(i));
      convs.add(List.of(pairConv.get(i)));
    }
    List<Load.Client> clients = load.connect(all, convs, 256, Duration.ofSeconds(60));
    settle(peer);
    List<Load.Send> plan = new ArrayList<>();
    for (int i = 0; i < s.pairs(); i++) {
      // both directions; the sender's own session also receives its message on our server and
      // Socket.IO (room emit), so each send is delivered to both members' sessions there.
      int recipients = peer instanceof FloorPeer ? 1 : 2;
      plan.add(new Load.Send(clients.get(2 * i), pairConv.get(i), recipients));
      plan.add(new Load.Send(clients.get(2 * i + 1), pairConv.get(i), recipients));
    }
    warmUp(peer, load, plan, s.oneToOneRates());
    double best = 0;
    for (double rate : s.oneToOneRates()) {
      Measured m = measure("1:1", peer, load, plan, rate, false, ms(50));
      Load.Step st = m.step();
      boolean ok = m.passed();
      if (rate == 10_000) {
        record("1:1 p50 at 10k msg/s (ms)", peer, st.latency().getValueAtPercentile(50) / 1e6);
        record("1:1 p99 at 10k msg/s (ms)", peer, st.latency().getValueAtPercentile(99) / 1e6);
      }
      if (!ok) {
        break;
      }
      best = rate;
    }
    record("1:1 highest msg/s with p99<=50ms, no loss", peer, best);
    clients.forEach(Load.Client::close);
  }

  private void fanout(Peer peer, Load load, List<BenchUser> users) throws Exception {
    List<BenchUser> members = users.subList(0, s.groupSize());
    String group = peer.conversation(members);
    List<List<String>> convs = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      convs.add(List.of(group));
    }
    List<Load.Client> clients = load.connect(members, convs, 256, Duration.ofSeconds(60));
    settle(peer);
    int recipients = peer instanceof FloorPeer ? members.size() - 1 : members.size();
    List<Load.Send> plan = List.of(new Load.Send(clients.get(0), group, recipients));
    warmUp(peer, load, plan, s.fanoutRates());
    double best = 0;
    double cpuPerDelivery = Double.NaN;
    for (double rate : s.fanoutRates()) {
      Measured m = measure("fan-out", peer, load, plan, rate, false, ms(100));
      if (!m.passed()) {
        break;
      }
      Load.Step st = m.step();
      best = rate * recipients;
      cpuPerDelivery = st.serverCpuSeconds() / Math.max(1, st.delivered()) * 1e6;
    }
    record("fan-out deliveries/s with p99<=100ms", peer, best);
    record("fan-out server CPU us/delivery", peer, cpuPerDelivery);
    clients.forEach(Load.Client::close);
  }

  private void storm(Peer peer, Load load, List<BenchUser> users) throws Exception {
    List<BenchUser> who = new ArrayList<>();
    List<List<String>> convs = new ArrayList<>();
    for (int i = 0; i < s.stormConnections(); i++) {
      who.add(users.get(i % users.size()));
      convs.add(List.of());
    }
    load.connectLatencies();
    long t0 = System.nanoTime();
    List<Load.Client> clients = load.connect(who, convs, 256, Duration.ofSeconds(120));
    double secs = (System.nanoTime() - t0) / 1e9;
    var h = load.connectLatencies();
    System.out.printf(
        Locale.ROOT,
        "  storm: %d connects in %.2f s, p99 %.1f ms%n",
        who.size(),
        secs,
        h.getValueAtPercentile(99) / 1e6);
    record("storm JWT connects/s", peer, who.size() / secs);
    record("storm connect-to-ready p99 (ms)", peer, h.getValueAtPercentile(99) / 1e6);
    clients.forEach(Load.Client::close);
    Thread.sleep(1000);
  }

  private void idle(Peer peer, Load load, List<BenchUser> users) throws Exception {
    Proc proc = peer.proc();
    boolean jvm = peer instanceof OurServerPeer;
    long heap0 = jvm ? proc.liveHeapBytes() : -1;
    long rss0 = proc.rssBytes();
    List<BenchUser> who = new ArrayList<>();
    List<List<String>> convs = new ArrayList<>();
    for (int i = 0; i < s.idleConnections(); i++) {
      who.add(users.get(i % users.size()));
      convs.add(List.of());
    }
    List<Load.Client> clients = load.connect(who, convs, 256, Duration.ofSeconds(300));
    Thread.sleep(2000);
    long held = clients.stream().filter(Load.Client::isOpen).count();
    long heap1 = jvm ? proc.liveHeapBytes() : -1;
    long rss1 = proc.rssBytes();
    System.out.printf(
        Locale.ROOT, "  idle: %d connections held, RSS %+d MB%n", held, (rss1 - rss0) >> 20);
    record("idle connections held", peer, held);
    record("idle RSS MB with all connections open", peer, rss1 / 1048576.0);
    record("idle RSS KB/connection (slope)", peer, (rss1 - rss0) / 1024.0 / held);
    if (jvm) {
      record("idle live heap KB/connection", peer, (heap1 - heap0) / 1024.0 / held);
    }
    clients.forEach(Load.Client::close);
  }

  /**
   * The durable scenario, once, after the rounds: it has no peer to alternate with, and its server
   * (the embedded store, the driver and the store's engine) needs the longest JIT warm-up, which it
   * gets once instead of being measured cold in every round.
   */
  private void runDurable() throws Exception {
    for (boolean inMemory : durablePeers()) {
      OurServerPeer peer = new OurServerPeer(jar, inMemory);
      System.out.printf(Locale.ROOT, "durable send: %s (at %s)%n", peer.name(), elapsed());
      try (peer;
          Load load = new Load(peer)) {
        peer.start(serverCpus);
        List<BenchUser> users = peer.users(2 * Math.min(s.pairs(), 100));
        List<BenchUser> all = new ArrayList<>();
        List<List<String>> convs = new ArrayList<>();
        List<Load.Send> plan = new ArrayList<>();
        List<String> conv = new ArrayList<>();
        for (int i = 0; i < users.size(); i += 2) {
          conv.add(peer.conversation(List.of(users.get(i), users.get(i + 1))));
        }
        for (int i = 0; i < users.size(); i++) {
          all.add(users.get(i));
          convs.add(List.of(conv.get(i / 2)));
        }
        List<Load.Client> clients = load.connect(all, convs, 256, Duration.ofSeconds(60));
        for (int i = 0; i < clients.size(); i++) {
          plan.add(new Load.Send(clients.get(i), conv.get(i / 2), 2));
        }
        warmUp(peer, load, plan, s.durableRates());
        double best = 0;
        double ackP99 = Double.NaN;
        for (double rate : s.durableRates()) {
          Measured m = measure("durable", peer, load, plan, rate, true, ms(50));
          if (!m.passed()) {
            break;
          }
          Load.Step st = m.step();
          best = rate;
          ackP99 = st.ackLatency().getValueAtPercentile(99) / 1e6;
        }
        record("durable acked msg/s with ack p99<=50ms", peer, best);
        record("durable ack p99 at that rate (ms)", peer, ackP99);
      } catch (Exception e) {
        notes.add(peer.name() + " durable send failed: " + e.getMessage());
        System.out.println("  FAILED: " + e.getMessage());
      }
    }
  }

  /** The stores the durable scenario runs on: BENCH_DURABLE=embedded (default)|memory|both. */
  private static boolean[] durablePeers() {
    String which = System.getProperty("bench.durable", "embedded");
    return switch (which) {
      case "embedded" -> new boolean[] {false};
      case "memory" -> new boolean[] {true};
      default -> new boolean[] {false, true};
    };
  }

  /**
   * Warms the peer up on the scenario's path before any step is measured: the lowest rate, then
   * (full mode) the second rate for {@code bench.warmup} seconds (5 by default), the same for every
   * peer. A JVM peer then goes on at that rate, in 5 s slices, until its JIT compilers are quiet:
   * less than {@value #JIT_QUIET_SECONDS} s of compiling in each of two slices in a row (C2
   * compiles in bursts), or in the fixed warm-up already. It stops after {@code bench.jitWait}
   * seconds (60 by default). Otherwise the compiler competes with the server for its one core
   * during the measured steps, and what is measured is the start-up. The floor is a JVM too and
   * gets the same. Node has no such counter; its JIT settles within the fixed warm-up.
   */
  private void warmUp(Peer peer, Load load, List<Load.Send> plan, double[] rates)
      throws InterruptedException {
    load.run(plan, rates[0], Duration.ofSeconds(s.quick() ? 1 : 3), false);
    if (s.quick()) {
      return;
    }
    double before = peer.jitSeconds();
    load.run(plan, rates[1], Duration.ofSeconds(Long.getLong("bench.warmup", 5)), false);
    if (!Double.isNaN(before)) {
      awaitQuietJit(peer, load, plan, rates[1], before);
    }
    Thread.sleep(500);
    collectGeneratorGarbage();
    Thread.sleep(500);
  }

  /**
   * Goes on at {@code rate} in 5 s slices until the peer's JIT compiled less than {@value
   * #JIT_QUIET_SECONDS} s in two slices in a row, or in the fixed warm-up that ended with {@code
   * jitBefore} seconds compiled before it; at most {@code bench.jitWait} seconds.
   */
  private void awaitQuietJit(
      Peer peer, Load load, List<Load.Send> plan, double rate, double jitBefore) {
    double jit = peer.jitSeconds();
    int quietSlices = jit - jitBefore < JIT_QUIET_SECONDS ? 2 : 0;
    long waitedMillis = 0;
    long capMillis = Long.getLong("bench.jitWait", 60) * 1000;
    while (quietSlices < 2 && waitedMillis < capMillis) {
      load.run(plan, rate, Duration.ofSeconds(5), false);
      waitedMillis += 5000;
      double now = peer.jitSeconds();
      quietSlices = now - jit < JIT_QUIET_SECONDS ? quietSlices + 1 : 0;
      jit = now;
    }
    if (waitedMillis > 0) {
      System.out.printf(
          Locale.ROOT,
          "  warm-up: %d s more until the JIT was quiet (%.1f s of compiling in all)%n",
          waitedMillis / 1000,
          jit);
    }
  }

  /** A measured step and whether it passed. */
  private record Measured(Load.Step step, boolean passed) {}

  /**
   * Runs one measured step at {@code rate} and judges it: no loss (with {@code acks}: every send
   * acknowledged) and a p99 latency (of deliveries; with {@code acks}, of acks) within {@code
   * limitNanos}. A step may have failed for the generator rather than the peer when a collection
   * cycle of the generator's own heap ran during it, or when it failed on latency alone by no more
   * than the generator's own lag (latency is measured from the scheduled send time, so a send the
   * generator made late is late by that much). Such a step runs once more, after a collection of
   * the generator's heap; if it fails so again it is discarded and noted. A step that passes counts
   * even if the generator lagged: its lag only ever counts against the peer.
   */
  private Measured measure(
      String scenario,
      Peer peer,
      Load load,
      List<Load.Send> plan,
      double rate,
      boolean acks,
      long limitNanos)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Load.Step st = load.run(plan, rate, s.step(), acks);
      report(scenario, peer, st);
      boolean complete = acks ? st.acked() >= st.sent() : st.lossFree();
      long p99 = (acks ? st.ackLatency() : st.latency()).getValueAtPercentile(99);
      if (complete && p99 <= limitNanos) {
        return new Measured(st, true);
      }
      boolean generatorsFault =
          st.generatorCollected()
              || (complete && st.generatorBehind() && p99 - st.pacerLagP99Nanos() <= limitNanos);
      if (!generatorsFault) {
        return new Measured(st, false);
      }
      if (attempt == 2) {
        notes.add(
            scenario
                + " "
                + peer.name()
                + " at "
                + (int) rate
                + "/s: failed twice with the generator behind schedule or collecting, step discarded");
        return new Measured(st, false);
      }
      retried++;
      System.out.println("  (the generator was behind or collecting: the step runs again)");
      Thread.sleep(1000);
      collectGeneratorGarbage();
    }
  }

  /**
   * Collects the generator's own heap (ZGC: a synchronous cycle), so that no collection cycle of
   * the generator competes with its event loop for its core during the measured steps that follow.
   */
  private static void collectGeneratorGarbage() {
    System.gc();
  }

  private static void settle(Peer peer) throws InterruptedException {
    Thread.sleep(peer instanceof FloorPeer ? 500 : 200);
  }

  private static long ms(long v) {
    return TimeUnit.MILLISECONDS.toNanos(v);
  }

  private static void report(String scenario, Peer peer, Load.Step st) {
    System.out.printf(
        Locale.ROOT,
        "  %-8s %-14s rate %7.0f/s sent %7d delivered %8d/%-8d p50 %7.2f ms p99 %8.2f ms max %8.1f ms acks %7d pacer-lag-p99 %.2f ms cpu %.2f s gen-gc %d gen-jit %d ms%n",
        scenario,
        peer.name(),
        st.rate(),
        st.sent(),
        st.delivered(),
        st.expected(),
        st.latency().getValueAtPercentile(50) / 1e6,
        st.latency().getValueAtPercentile(99) / 1e6,
        st.latency().getMaxValue() / 1e6,
        st.acked(),
        st.pacerLagP99Nanos() / 1e6,
        st.serverCpuSeconds(),
        st.generatorGcCycles(),
        st.generatorJitMillis());
  }

  private void record(String metric, Peer peer, double value) {
    results
        .computeIfAbsent(metric, k -> new TreeMap<>())
        .computeIfAbsent(peer.name(), k -> new ArrayList<>())
        .add(value);
  }

  private static double median(List<Double> v) {
    if (v == null || v.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(v);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private void print() {
    System.out.println();
    System.out.println(
        "| metric (median of rounds) | ours-memory | ours-embedded | socketio | floor | ours/socketio | ours/floor |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (var e : results.entrySet()) {
      Map<String, List<Double>> byPeer = e.getValue();
      double ours = median(byPeer.get("ours-memory"));
      double embedded = median(byPeer.get("ours-embedded"));
      double sio = median(byPeer.get("socketio"));
      double floor = median(byPeer.get("floor"));
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          fmt(ours),
          fmt(embedded),
          fmt(sio),
          fmt(floor),
          ratio(ours, sio),
          ratio(ours, floor));
    }
    if (retried > 0) {
      notes.add(
          retried
              + " step(s) failed with the generator behind schedule or collecting and ran again");
    }
    if (!notes.isEmpty()) {
      System.out.println();
      notes.forEach(n -> System.out.println("note: " + n));
    }
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", a / b);
  }

  private static int fdLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          return Integer.parseInt(line.split("\\s+")[3]);
        }
      }
    } catch (Exception e) {
      // fall through
    }
    return 1024;
  }
}
