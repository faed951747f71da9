package dev.chatsdk.deploy;

import dev.chatsdk.server.ChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the deployment files are, and the facts about the server they must agree with, taken from
 * the server itself. Tests run with the module directory ({@code deploy/}) as working directory.
 */
final class DeployFiles {
  /** The port the server listens on inside its container. */
  static final int SERVER_PORT = ChatServer.Builder.DEFAULT_PORT;

  /** The server's liveness and readiness paths. */
  static final String HEALTH_PATH = "/healthz";

  static final String READY_PATH = "/readyz";

  /** The WebSocket path. */
  static final String WEBSOCKET_PATH = "/ws";

  /** The WebSocket heartbeat the server announces in {@code hello.heartbeatMs}. */
  static final Duration MAX_HEARTBEAT = ChatServer.Builder.DEFAULT_HEARTBEAT_INTERVAL;

  /** How long the server may take to drain on SIGTERM. */
  static final Duration MAX_DRAIN = ChatServer.Builder.DEFAULT_SHUTDOWN_TIMEOUT;

  /** The environment variables that turn on the cluster mode. */
  static final String MONGO_URI_VARIABLE = "CHAT_MONGO_URI";

  static final String REDIS_URI_VARIABLE = "CHAT_REDIS_URI";

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
