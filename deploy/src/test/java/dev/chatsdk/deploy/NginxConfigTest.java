package dev.chatsdk.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code deploy/nginx/nginx.conf} by reading its blocks: WebSocket upgrade, timeouts above
 * the server's heartbeat, no buffering of the socket, upstreams on the server's port. (Running the
 * real nginx in front of real nodes belongs to the multi-node tests.)
 */
class NginxConfigTest {
  private static final String CONF =
      DeployFiles.read(DeployFiles.NGINX_CONF).replaceAll("(?m)#.*$", "");

  /** The body of the first block opened by {@code header} (e.g. "location = /ws"). */
  private static String block(String header) {
    int start = CONF.indexOf(header + " {");
    assertThat(start).as("block %s", header).isNotNegative();
    int depth = 0;
    for (int i = CONF.indexOf('{', start); i < CONF.length(); i++) {
      char c = CONF.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return CONF.substring(CONF.indexOf('{', start) + 1, i);
      }
    }
    throw new AssertionError("unclosed block " + header);
  }

  /** The body of {@code server} without its nested location blocks. */
  private static String serverLevel() {
    String server = block("server");
    return server.replaceAll("(?s)location[^{]*\\{[^}]*\\}", "");
  }

  /** The directives of a block body (nested blocks excluded), name to arguments. */
  private static Map<String, List<String>> directives(String body) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (String statement : body.replaceAll("(?s)\\{[^}]*\\}", ";").split(";")) {
      String s = statement.strip();
      if (s.isEmpty()) {
        continue;
      }
      String[] parts = s.split("\\s+", 2);
      result
          .computeIfAbsent(parts[0], k -> new ArrayList<>())
          .add(parts.length > 1 ? parts[1] : "");
    }
    return result;
  }

  private static Duration seconds(String value) {
    Matcher m = Pattern.compile("(\\d+)s").matcher(value.strip());
    assertThat(m.matches()).as("duration %s in seconds", value).isTrue();
    return Duration.ofSeconds(Long.parseLong(m.group(1)));
  }

  @Test
  void webSocketIsUpgradedOverHttp11WithoutBufferingAndOutlivesTheHeartbeat() {
    Map<String, List<String>> server = directives(serverLevel());
    assertThat(server.get("proxy_http_version")).containsExactly("1.1");
    assertThat(server.get("proxy_set_header"))
        .contains("Upgrade $http_upgrade", "Connection $connection_upgrade", "Host $host");
    assertThat(CONF).containsPattern("map \\$http_upgrade \\$connection_upgrade \\{");
    assertThat(block("map $http_upgrade $connection_upgrade")).contains("default upgrade");

    Map<String, List<String>> ws = directives(block("location = " + DeployFiles.WEBSOCKET_PATH));
    assertThat(ws.get("proxy_pass")).containsExactly("http://chat_nodes");
    assertThat(ws.get("proxy_buffering")).containsExactly("off");
    assertThat(seconds(ws.get("proxy_read_timeout").get(0)))
        .isGreaterThan(DeployFiles.MAX_HEARTBEAT.multipliedBy(2));
    assertThat(seconds(ws.get("proxy_send_timeout").get(0)))
        .isGreaterThan(DeployFiles.MAX_HEARTBEAT.multipliedBy(2));
  }

  @Test
  void noLocationOverridesTheServerLevelProxyHeaders() {
    Matcher locations = Pattern.compile("location[^{]*\\{([^}]*)\\}").matcher(block("server"));
    int count = 0;
    while (locations.find()) {
      count++;
      assertThat(directives(locations.group(1)))
          .as("a location with its own proxy_set_header inherits none from the server")
          .doesNotContainKey("proxy_set_header");
    }
    assertThat(count).isGreaterThanOrEqualTo(3);
  }

  @Test
  void upstreamBalancesAcrossSeveralDistinctNodesByOpenConnections() {
    Map<String, List<String>> upstream = directives(block("upstream chat_nodes"));
    assertThat(upstream).containsKey("least_conn");
    List<String> servers = upstream.get("server");
    assertThat(servers).hasSizeGreaterThanOrEqualTo(2);
    List<String> addresses = servers.stream().map(s -> s.split("\\s+")[0]).toList();
    assertThat(addresses).doesNotHaveDuplicates().allMatch(a -> a.matches("\\S+:\\d+"));
    assertThat(servers).allMatch(s -> s.contains("max_fails=") && s.contains("fail_timeout="));
  }

  @Test
  void metricsAreNotPublishedThroughTheLoadBalancer() {
    assertThat(directives(block("location = /metrics")).get("return")).containsExactly("404");
  }
}
