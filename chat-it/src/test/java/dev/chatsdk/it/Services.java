package dev.chatsdk.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Where the tests find their tools, and the rule for a missing one: skip locally, fail in CI. */
final class Services {
  private Services() {}

  static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

  /** Requires an executable; aborts the test when missing, or fails it under {@code CI=true}. */
  static Path require(String what, String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = what + ": none of " + String.join(", ", candidates) + " is executable";
    if (CI) {
      fail(message + " (CI=true: a missing service is a failure)");
    }
    Assumptions.abort(message);
    throw new AssertionError(message);
  }

  /** The server jar built by chat-server-undertow's package phase. */
  static Path serverJar() {
    String configured = System.getenv("CHAT_IT_SERVER_JAR");
    Path jar =
        configured != null
            ? Path.of(configured)
            : Path.of("../chat-server-undertow/target/chat-server.jar");
    if (!Files.isRegularFile(jar)) {
      fail("server jar " + jar.toAbsolutePath() + " not found: build chat-server-undertow first");
    }
    return jar.toAbsolutePath().normalize();
  }

  /** A fresh working directory under target/it-work. */
  static Path workDir(String name) throws IOException {
    String configured = System.getenv("CHAT_IT_WORK");
    Path root = configured != null ? Path.of(configured) : Path.of("target", "it-work");
    Files.createDirectories(root);
    return Files.createTempDirectory(root.toAbsolutePath(), name + "-");
  }

  /** A loopback port free at the time of the call. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
