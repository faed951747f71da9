package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.core.auth.LoginThrottle;
import dev.chatsdk.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics, static pages with CSP, and login throttling. */
class OperationsIT {

  @Test
  void healthReadinessAndMetrics() {
    try (TestServer server = TestServer.builder().inMemory().start()) {
      Api api = new Api(server.baseUri());
      Api.Resp health = api.get("/healthz", null);
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().path("status").asText()).isEqualTo("ok");
      Api.Resp ready = api.get("/readyz", null);
      assertThat(ready.status()).isEqualTo(200);
      Api.Resp metrics = api.get("/metrics", null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("Content-Type").orElseThrow()).startsWith("text/plain");
      assertThat(new String(metrics.body()))
          .contains("jvm_memory")
          .contains("chat_server_websockets_open");
    }
  }

  @Test
  void readinessWithTheEmbeddedStoreAndItsCommitsForcedToDisk() {
    try (TestServer server = TestServer.start()) {
      Api api = new Api(server.baseUri());
      assertThat(api.get("/readyz", null).status()).isEqualTo(200);
      api.signup(Api.unique("disk"));
      String metrics = new String(api.get("/metrics", null).body());
      assertThat(metric(metrics, "chat_embedded_commit_seconds_count")).isGreaterThanOrEqualTo(1);
      // not compared with the commit count: a commit may run between the two meters' reads
      assertThat(metric(metrics, "chat_embedded_fsync_seconds_count"))
          .as("group commits are flushed to disk by default")
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void embeddedStoreWithoutFsyncStillCommitsBeforeAWriteCompletes() {
    try (TestServer server = TestServer.builder().configure(b -> b.embeddedFsync(false)).start()) {
      Api api = new Api(server.baseUri());
      api.signup(Api.unique("nodisk"));
      String metrics = new String(api.get("/metrics", null).body());
      assertThat(metric(metrics, "chat_embedded_commit_seconds_count")).isGreaterThanOrEqualTo(1);
      assertThat(metric(metrics, "chat_embedded_fsync_seconds_count")).isZero();
    }
  }

  /** The value of an unlabelled metric in Prometheus text. */
  private static double metric(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Test
  void staticPagesCarryAContentSecurityPolicyAndCookiesCanBeSecure() {
    try (TestServer server =
        TestServer.builder().inMemory().configure(b -> b.secureCookies(true)).start()) {
      Api api = new Api(server.baseUri());
      Api.Resp signup =
          api.post(
              "/api/auth/signup",
              null,
              Map.of("username", Api.unique("sec"), "password", "correct horse battery"));
      assertThat(signup.header("Set-Cookie").orElseThrow()).contains("; Secure");
      Api.Resp page = api.get("/", null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Content-Type").orElseThrow()).startsWith("text/html");
      String csp = page.header("Content-Security-Policy").orElseThrow();
      assertThat(csp)
          .contains("default-src 'self'")
          .contains("script-src 'self'")
          .contains("object-src 'none'")
          .contains("frame-ancestors 'none'");
      assertThat(page.header("X-Content-Type-Options")).contains("nosniff");
      assertThat(page.header("X-Frame-Options")).contains("DENY");
    }
  }

  @Test
  void repeatedFailedLoginsAreThrottledWith429() {
    try (TestServer server =
        TestServer.builder()
            .inMemory()
            .configure(
                b ->
                    b.loginThrottle(
                        LoginThrottle.builder()
                            .maxFailuresPerAccount(3)
                            .maxSignupsPerAddress(1000)
                            .build()))
            .start()) {
      Api api = new Api(server.baseUri());
      String name = Api.unique("th");
      api.signup(name);
      Api.Resp last = null;
      for (int i = 0; i < 6; i++) {
        last =
            api.post(
                "/api/auth/login",
                null,
                Map.of("username", name, "password", "wrong-" + i + "-password"));
        if (last.status() == 429) {
          break;
        }
        assertThat(last.status()).isEqualTo(401);
      }
      assertThat(last.status()).isEqualTo(429);
      assertThat(last.errorCode()).isEqualTo("rate_limited");
      assertThat(last.header("Retry-After")).isPresent();
      // even the right password is refused while locked out
      Api.Resp right =
          api.post(
              "/api/auth/login",
              null,
              Map.of("username", name, "password", "correct horse battery"));
      assertThat(right.status()).isEqualTo(429);
    }
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsThrottledNotTheProxy() {
    throttlesTheForwardedClientBehind("127.0.0.1");
  }

  @Test
  void aTrustedProxyRangeCoversEveryProxyAddressInIt() {
    // An ingress controller's pods change address within their range.
    throttlesTheForwardedClientBehind("127.0.0.0/8");
  }

  @Test
  void aProxyOutsideTheTrustedRangeCannotNameTheClient() {
    try (TestServer server = throttledBehind("10.0.0.0/8")) {
      Api api = new Api(server.baseUri());
      // Loopback is not in 10.0.0.0/8: each forged header is ignored and all count as 127.0.0.1.
      int last = 0;
      for (int i = 0; i < 5 && last != 429; i++) {
        last = failedLoginFrom(api, "203.0.113." + (10 + i)).status();
      }
      assertThat(last).isEqualTo(429);
      assertThat(failedLoginFrom(api, "203.0.113.99").status()).isEqualTo(429);
    }
  }

  private static void throttlesTheForwardedClientBehind(String trustedProxy) {
    try (TestServer server = throttledBehind(trustedProxy)) {
      Api api = new Api(server.baseUri());
      int last = 0;
      for (int i = 0; i < 5 && last != 429; i++) {
        last = failedLoginFrom(api, "203.0.113.7").status();
      }
      assertThat(last).isEqualTo(429);
      // another client behind the same proxy is not affected
      assertThat(failedLoginFrom(api, "203.0.113.8").status()).isEqualTo(401);
      // a client cannot escape by prepending a forged hop: the proxy's entry is the last one
      assertThat(failedLoginFrom(api, "198.51.100.1, 203.0.113.7").status()).isEqualTo(429);
    }
  }

  /** A server that trusts {@code trustedProxy} and throttles an address after 3 failed logins. */
  private static TestServer throttledBehind(String trustedProxy) {
    return TestServer.builder()
        .inMemory()
        .configure(
            b ->
                b.trustedProxies(java.util.Set.of(trustedProxy))
                    .loginThrottle(
                        LoginThrottle.builder()
                            .maxFailuresPerAccount(100)
                            .maxFailuresPerAddress(3)
                            .maxSignupsPerAddress(1000)
                            .build()))
        .start();
  }

  private static Api.Resp failedLoginFrom(Api api, String forwardedFor) {
    return api.send(
        api.request("/api/auth/login", null)
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", forwardedFor)
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    Api.json(
                        Map.of("username", Api.unique("ghost"), "password", "wrong password!"))))
            .build());
  }
}
