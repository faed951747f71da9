package dev.chatsdk.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the deployment files are, and the facts about the server they must agree with ({@link
 * ServerFactsTest} checks these against the server's own constants and settings, {@link
 * ServerAgreementTest} against a running server). Tests run with the module directory ({@code
 * deploy/}) as working directory.
 */
final class DeployFiles {
  /** The port the server listens on inside its container. */
  static final int SERVER_PORT = 8080;

  /** The server's liveness and readiness paths. */
  static final String HEALTH_PATH = "/healthz";

  static final String READY_PATH = "/readyz";

  /** The WebSocket path. */
  static final String WEBSOCKET_PATH = "/ws";

  /** The longest WebSocket heartbeat the server announces in {@code hello.heartbeatMs}. */
  static final Duration MAX_HEARTBEAT = Duration.ofSeconds(30);

  /** How long the server may take to drain on SIGTERM (ChatServer's DEFAULT_SHUTDOWN_TIMEOUT). */
  static final Duration MAX_DRAIN = Duration.ofSeconds(10);

  /** The environment variables that turn on the cluster mode. */
  static final String MONGO_URI_VARIABLE = "CHAT_MONGO_URI";

  static final String REDIS_URI_VARIABLE = "CHAT_REDIS_URI";

  /** The shared token secret: every node must accept every other node's tokens. */
  static final String JWT_SECRET_VARIABLE = "CHAT_JWT_SECRET";

  /** The app label every resource carries. */
  static final String APP = "chat-server";

  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Path K8S = ROOT.resolve("k8s");
  static final Path NGINX_CONF = ROOT.resolve("nginx/nginx.conf");
  static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");

  private DeployFiles() {}

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
