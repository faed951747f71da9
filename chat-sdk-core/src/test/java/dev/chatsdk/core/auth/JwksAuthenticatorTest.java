package dev.chatsdk.core.auth;

import static dev.chatsdk.core.auth.Async.await;
import static dev.chatsdk.core.auth.Async.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwksAuthenticatorTest {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private static KeyPair rsa;
  private static KeyPair ec;
  private static KeyPair otherEc;

  private final MutableClock clock = new MutableClock(START);
  private final List<JsonWebKey> served = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final Set<String> fetchThreads = ConcurrentHashMap.newKeySet();
  private HttpServer server;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    rsa = rsaGen.generateKeyPair();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGen.generateKeyPair();
    otherEc = ecGen.generateKeyPair();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static JsonWebKey rsaJwk(String kid) {
    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) rsa.getPublic());
    jwk.setKeyId(kid);
    return jwk;
  }

  private static JsonWebKey ecJwk(KeyPair pair, String kid) {
    EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey((ECPublicKey) pair.getPublic());
    jwk.setKeyId(kid);
    return jwk;
  }

  private URI serveJwks() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/.well-known/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body =
              new JsonWebKeySet(List.copyOf(served)).toJson().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
  }

  @Test
  void staticJwksAcceptsRsaAndEcTokensByKeyId() {
    String jwks = new JsonWebKeySet(rsaJwk("r1"), ecJwk(ec, "e1")).toJson();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().jwks(jwks).issuer("https://idp").clock(clock).build();
    String rsaToken =
        await(
                JwtTokenIssuer.builder()
                    .rsaKeyPair(rsa)
                    .keyId("r1")
                    .issuer("https://idp")
                    .clock(clock)
                    .build()
                    .issue("alice", Set.of("admin")))
            .token();
    String ecToken =
        await(
                JwtTokenIssuer.builder()
                    .ecKeyPair(ec)
                    .keyId("e1")
                    .issuer("https://idp")
                    .clock(clock)
                    .build()
                    .issue("bob"))
            .token();

    Principal alice = await(authenticator.authenticate(rsaToken));
    assertThat(alice.userId()).isEqualTo("alice");
    assertThat(alice.roles()).containsExactly("admin");
    assertThat(await(authenticator.authenticate(ecToken)).userId()).isEqualTo("bob");
  }

  @Test
  void staticJwksRejectsTokenOfAnUnknownKey() {
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .jwks(new JsonWebKeySet(ecJwk(ec, "e1")).toJson())
            .clock(clock)
            .build();
    String token =
        await(
                JwtTokenIssuer.builder()
                    .ecKeyPair(otherEc)
                    .keyId("e2")
                    .clock(clock)
                    .build()
                    .issue("mallory"))
            .token();

    failure(authenticator.authenticate(token), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void allowedAlgorithmsRestrictJwksVerification() {
    JwtAuthenticator rsOnly =
        JwtAuthenticator.builder()
            .allowedAlgorithms("RS256")
            .jwks(new JsonWebKeySet(rsaJwk("r1"), ecJwk(ec, "e1")).toJson())
            .clock(clock)
            .build();
    String ecToken =
        await(JwtTokenIssuer.builder().ecKeyPair(ec).keyId("e1").clock(clock).build().issue("u"))
            .token();

    failure(rsOnly.authenticate(ecToken), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void jwksUrlIsFetchedOffTheCallersThreadAndCached() throws Exception {
    served.add(rsaJwk("r1"));
    URI url = serveJwks();
    String token =
        await(
                JwtTokenIssuer.builder()
                    .rsaKeyPair(rsa)
                    .keyId("r1")
                    .clock(clock)
                    .build()
                    .issue("alice"))
            .token();
    try (JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .jwksUrl(url)
            .executor(
                task ->
                    new Thread(
                            () -> {
                              fetchThreads.add(Thread.currentThread().getName());
                              task.run();
                            },
                            "jwks-test-worker")
                        .start())
            .clock(clock)
            .build()) {

      assertThat(await(authenticator.authenticate(token)).userId()).isEqualTo("alice");
      assertThat(await(authenticator.authenticate(token)).userId()).isEqualTo("alice");

      assertThat(fetches.get()).isEqualTo(1);
      assertThat(fetchThreads).containsExactly("jwks-test-worker");
    }
  }

  @Test
  void jwksUrlIsRefetchedWhenATokenNamesANewKey() throws Exception {
    served.add(ecJwk(ec, "old"));
    URI url = serveJwks();
    try (JwtAuthenticator authenticator =
        JwtAuthenticator.builder().jwksUrl(url).clock(clock).build()) {
      String oldToken =
          await(
                  JwtTokenIssuer.builder()
                      .ecKeyPair(ec)
                      .keyId("old")
                      .clock(clock)
                      .build()
                      .issue("u1"))
              .token();
      assertThat(await(authenticator.authenticate(oldToken)).userId()).isEqualTo("u1");
      // Give the resolver's refresh reprieve (a few hundred ms) time to pass.
      Thread.sleep(600);

      served.add(ecJwk(otherEc, "new"));
      String newToken =
          await(
                  JwtTokenIssuer.builder()
                      .ecKeyPair(otherEc)
                      .keyId("new")
                      .clock(clock)
                      .build()
                      .issue("u2"))
              .token();

      assertThat(await(authenticator.authenticate(newToken)).userId()).isEqualTo("u2");
      assertThat(fetches.get()).isEqualTo(2);
    }
  }

  @Test
  void unreachableJwksUrlFailsAsUnavailable() throws Exception {
    served.add(rsaJwk("r1"));
    URI url = serveJwks();
    server.stop(0);
    server = null;
    String token =
        await(
                JwtTokenIssuer.builder()
                    .rsaKeyPair(rsa)
                    .keyId("r1")
                    .clock(clock)
                    .build()
                    .issue("alice"))
            .token();
    try (JwtAuthenticator authenticator =
        JwtAuthenticator.builder().jwksUrl(url).clock(clock).build()) {

      ChatException e = failure(authenticator.authenticate(token), ErrorCode.UNAVAILABLE);
      assertThat(e.retryable()).isTrue();
    }
  }

  @Test
  void jwksUrlVerifierRejectsHs256TokenSignedWithPublicKeyBytes() throws Exception {
    served.add(rsaJwk("r1"));
    URI url = serveJwks();
    JwtTokenIssuer hmacWithPublicKey =
        JwtTokenIssuer.builder()
            .hmacSecret(rsa.getPublic().getEncoded())
            .keyId("r1")
            .clock(clock)
            .build();
    try (JwtAuthenticator authenticator =
        JwtAuthenticator.builder().jwksUrl(url).clock(clock).build()) {

      failure(
          authenticator.authenticate(await(hmacWithPublicKey.issue("admin")).token()),
          ErrorCode.UNAUTHENTICATED);
    }
  }
}
