package dev.chatsdk.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A peer's server process: started (optionally pinned with taskset), read from /proc, stopped. */
final class Proc implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
  private final Process process;

  /** Whether the process is a JVM (its command is {@code java}): only then has it JIT counters. */
  private final boolean jvm;

  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final List<String> tail = new ArrayList<>();

  Proc(List<String> command, String cpus, Map<String, String> env, Path dir) throws IOException {
    jvm = Path.of(command.get(0)).getFileName().toString().equals("java");
    List<String> cmd = new ArrayList<>();
    if (cpus != null && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      cmd.add("/usr/bin/taskset");
      cmd.add("-c");
      cmd.add(cpus);
    }
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    process = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                  synchronized (tail) {
                    tail.add(line);
                    if (tail.size() > 40) {
                      tail.remove(0);
                    }
                  }
                }
              } catch (IOException e) {
                // process gone
              }
              port.completeExceptionally(new IllegalStateException("exited: " + lastLines()));
            },
            "proc-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The port the process printed as {@code LISTENING <port>}. */
  int awaitListening(Duration timeout) throws Exception {
    return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  long pid() {
    return process.pid();
  }

  String lastLines() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** User + system CPU seconds the process has used so far. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Resident set size in bytes. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }

  /** For a JVM: live heap bytes after a full GC (via jcmd), or -1. */
  long liveHeapBytes() {
    try {
      run("jcmd", Long.toString(pid()), "GC.run");
      String info = run("jcmd", Long.toString(pid()), "GC.heap_info");
      Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /**
   * For a JVM: the seconds its JIT compilers have spent so far (the {@code java.ci.totalTime}
   * performance counter, via jcmd); NaN when there is no such counter (not a JVM, or jcmd failed).
   */
  double jitSeconds() {
    if (!jvm) {
      return Double.NaN;
    }
    try {
      String counters = run("jcmd", Long.toString(pid()), "PerfCounter.print");
      Matcher time = Pattern.compile("java\\.ci\\.totalTime=(\\d+)").matcher(counters);
      Matcher hz = Pattern.compile("sun\\.os\\.hrt\\.frequency=(\\d+)").matcher(counters);
      return time.find() && hz.find()
          ? Long.parseLong(time.group(1)) / (double) Long.parseLong(hz.group(1))
          : Double.NaN;
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
