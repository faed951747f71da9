package dev.chatsdk.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.server.ChatServer;
import dev.chatsdk.server.internal.CommandLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the deployment files against the real server: a server started here answers on the paths
 * the probes, the Prometheus annotations and nginx use, and every {@code CHAT_*} variable the
 * manifests set is one the server reads.
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

  @Test
  void everyChatVariableTheManifestsSetIsOneTheServerReads() {
    Set<String> known = variables(CommandLine.help());
    assertThat(known).contains(DeployFiles.MONGO_URI_VARIABLE, DeployFiles.REDIS_URI_VARIABLE);
    Set<String> used = new TreeSet<>();
    used.addAll(variables(DeployFiles.read(DeployFiles.K8S.resolve("deployment.yaml"))));
    used.addAll(variables(DeployFiles.read(DeployFiles.K8S.resolve("configmap.yaml"))));
    assertThat(used).isNotEmpty();
    assertThat(known).containsAll(used);
  }

  private static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\bCHAT_[A-Z_]+\\b").matcher(text);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }
}
