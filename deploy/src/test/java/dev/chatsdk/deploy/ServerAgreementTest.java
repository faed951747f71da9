package dev.chatsdk.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.server.ChatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the deployment files against a real server started here: it answers on the paths the
 * probes, the Prometheus annotations and nginx use.
 */
class ServerAgreementTest {
  @TempDir static Path dataDir;
  private static ChatServer server;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startServer() {
    server = ChatServer.builder().port(0).host("127.0.0.1").dataDir(dataDir).inMemory().build();
    server.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static int status(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(server.baseUri().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void probedAndScrapedPathsAnswerOnTheRealServer() throws Exception {
    assertThat(status(DeployFiles.HEALTH_PATH)).isEqualTo(200);
    assertThat(status(DeployFiles.READY_PATH)).isEqualTo(200);
    assertThat(status("/metrics")).isEqualTo(200);
  }

  @Test
  void theWebSocketPathIsTheOneNginxUpgrades() {
    URI ws = server.webSocketUri();
    assertThat(ws.getPath()).isEqualTo(DeployFiles.WEBSOCKET_PATH);
    assertThat(DeployFiles.read(DeployFiles.NGINX_CONF))
        .contains("location = " + DeployFiles.WEBSOCKET_PATH + " {");
  }
}
