package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.server.ChatServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void defaultsWithoutConfiguration() {
    ChatServer.Builder b = CommandLine.parse(new String[0], Map.of()).builder();
    assertThat(b.port()).isEqualTo(8080);
    assertThat(b.host()).isEqualTo("0.0.0.0");
    assertThat(b.dataDir()).isEqualTo(Path.of("data"));
    assertThat(b.storage()).isEqualTo(ChatServer.Storage.EMBEDDED);
    assertThat(b.jwtSecret()).isEmpty();
    assertThat(b.allowedOrigins()).isEmpty();
    assertThat(b.embeddedFsync()).isTrue();
  }

  @Test
  void environmentIsReadAndFlagsWin() {
    Map<String, String> env =
        Map.of(
            "CHAT_PORT", "9000",
            "CHAT_DATA_DIR", "/tmp/x",
            "CHAT_ALLOWED_ORIGINS", "http://localhost:5173, https://a.example",
            "CHAT_MONGO_URI", "mongodb://db:27017",
            "CHAT_SECURE_COOKIES", "true",
            "CHAT_EMBEDDED_FSYNC", "false");
    ChatServer.Builder b =
        CommandLine.parse(new String[] {"--port=9100", "--host", "127.0.0.1"}, env).builder();
    assertThat(b.port()).isEqualTo(9100);
    assertThat(b.host()).isEqualTo("127.0.0.1");
    assertThat(b.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(b.storage()).isEqualTo(ChatServer.Storage.MONGO);
    assertThat(b.mongoUri()).contains("mongodb://db:27017");
    assertThat(b.secureCookies()).isTrue();
    assertThat(b.embeddedFsync()).isFalse();
    assertThat(b.allowedOrigins())
        .containsExactlyInAnyOrder("http://localhost:5173", "https://a.example");
  }

  @Test
  void badValuesFailWithOneLineNamingTheSetting() {
    assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of("CHAT_PORT", "eighty")))
        .isInstanceOf(CommandLine.ConfigException.class)
        .hasMessage("CHAT_PORT / --port: 'eighty' (expected: 0..65535)");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port", "70000"}, Map.of()))
        .hasMessageContaining("CHAT_PORT")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of("CHAT_JWT_SECRET", "short")))
        .hasMessageContaining("CHAT_JWT_SECRET")
        .hasMessageContaining("at least 32");
    assertThatThrownBy(
            () -> CommandLine.parse(new String[0], Map.of("CHAT_MONGO_URI", "http://db")))
        .hasMessageContaining("CHAT_MONGO_URI");
    assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of("CHAT_ALLOWED_ORIGINS", "*")))
        .hasMessageContaining("CHAT_ALLOWED_ORIGINS");
    assertThatThrownBy(
            () -> CommandLine.parse(new String[0], Map.of("CHAT_EMBEDDED_FSYNC", "sometimes")))
        .hasMessage(
            "CHAT_EMBEDDED_FSYNC / --embedded-fsync: 'sometimes' (expected: true or false)");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--bogus"}, Map.of()))
        .hasMessage("unknown option '--bogus'");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("missing value");
    assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of("CHAT_STORE", "mongo")))
        .hasMessageContaining("needs CHAT_MONGO_URI");
  }

  @Test
  void helpListsEveryEnvironmentVariable() {
    assertThat(CommandLine.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
    String help = CommandLine.help();
    for (String env :
        new String[] {
          "CHAT_PORT",
          "CHAT_HOST",
          "CHAT_DATA_DIR",
          "CHAT_MONGO_URI",
          "CHAT_JWT_SECRET",
          "CHAT_ALLOWED_ORIGINS",
          "CHAT_REDIS_URI",
          "CHAT_EMBEDDED_FSYNC"
        }) {
      assertThat(help).contains(env);
    }
  }

  @Test
  void trustedProxiesAreIpLiteralsOrCidrRangesOnly() {
    assertThat(
            CommandLine.parse(
                    new String[0],
                    Map.of("CHAT_TRUSTED_PROXIES", "10.0.0.1, ::1, 10.244.0.0/16, fd00::/8"))
                .builder()
                .trustedProxies())
        .containsExactlyInAnyOrder(
            "10.0.0.1", "0:0:0:0:0:0:0:1", "10.244.0.0/16", "fd00:0:0:0:0:0:0:0/8");
    assertThatThrownBy(
            () -> CommandLine.parse(new String[0], Map.of("CHAT_TRUSTED_PROXIES", "10.244.1.0/16")))
        .hasMessageContaining("CHAT_TRUSTED_PROXIES")
        .hasMessageContaining("expected: 10.244.0.0/16");
    assertThatThrownBy(
            () -> CommandLine.parse(new String[0], Map.of("CHAT_TRUSTED_PROXIES", "nginx.local")))
        .hasMessageContaining("CHAT_TRUSTED_PROXIES")
        .hasMessageContaining("expected: an IP address");
  }

  @Test
  void memoryStoreCanBeChosen() {
    assertThat(CommandLine.parse(new String[] {"--store", "memory"}, Map.of()).builder().storage())
        .isEqualTo(ChatServer.Storage.MEMORY);
  }

  @Test
  void rateLimitIsConfigurable() {
    ChatServer.Builder defaults = CommandLine.parse(new String[0], Map.of()).builder();
    assertThat(defaults.ratePerSecond())
        .isEqualTo(ChatServer.Builder.DEFAULT_RATE_LIMIT_PER_SECOND);
    assertThat(defaults.rateBurst()).isEqualTo(ChatServer.Builder.DEFAULT_RATE_LIMIT_BURST);

    ChatServer.Builder b =
        CommandLine.parse(new String[] {"--rate-burst", "500"}, Map.of("CHAT_RATE_LIMIT", "250.5"))
            .builder();
    assertThat(b.ratePerSecond()).isEqualTo(250.5);
    assertThat(b.rateBurst()).isEqualTo(500);
  }

  @Test
  void badRateLimitsFailWithOneLine() {
    assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of("CHAT_RATE_LIMIT", "fast")))
        .hasMessageContaining("CHAT_RATE_LIMIT")
        .hasMessageContaining("expected: a number of messages per second > 0");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--rate-limit", "0"}, Map.of()))
        .hasMessageContaining("--rate-limit")
        .hasMessageContaining("expected: > 0 per second");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--rate-burst", "2.5"}, Map.of()))
        .hasMessageContaining("expected: a whole number >= 1");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--rate-burst", "0"}, Map.of()))
        .hasMessageContaining("expected: >= 1");
  }
}
