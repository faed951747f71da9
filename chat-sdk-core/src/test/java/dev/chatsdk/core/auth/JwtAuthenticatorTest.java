package dev.chatsdk.core.auth;

import static dev.chatsdk.core.auth.Async.await;
import static dev.chatsdk.core.auth.Async.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.port.TokenIssuer.IssuedToken;
import dev.chatsdk.core.memory.InMemoryCredentialStore;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private static final byte[] SECRET = JwtSecrets.generate();
  private static KeyPair rsa;
  private static KeyPair ec;

  private final MutableClock clock = new MutableClock(START);

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    rsa = rsaGen.generateKeyPair();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGen.generateKeyPair();
  }

  private JwtTokenIssuer hsIssuer() {
    return JwtTokenIssuer.builder().hmacSecret(SECRET).clock(clock).build();
  }

  private JwtAuthenticator hsAuthenticator() {
    return JwtAuthenticator.builder().hmacSecret(SECRET).clock(clock).build();
  }

  private static JwtClaims claims(String subject, Instant iat, Instant exp) {
    JwtClaims claims = new JwtClaims();
    claims.setSubject(subject);
    claims.setIssuedAt(NumericDate.fromSeconds(iat.getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(exp.getEpochSecond()));
    return claims;
  }

  private static String sign(JwtClaims claims, Key key, String algorithm) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(algorithm);
    jws.setKey(key);
    return jws.getCompactSerialization();
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hs256TokenFromIssuerIsAcceptedWithSubjectRolesAndExpiry() {
    IssuedToken token = await(hsIssuer().issue("user-1", Set.of("admin", "mod")));

    Principal principal = await(hsAuthenticator().authenticate(token.token()));

    assertThat(principal.userId()).isEqualTo("user-1");
    assertThat(principal.roles()).containsExactlyInAnyOrder("admin", "mod");
    assertThat(principal.expiresAt())
        .isEqualTo(START.plus(JwtTokenIssuer.DEFAULT_TTL))
        .isEqualTo(token.expiresAt());
  }

  @Test
  void expiredTokenIsRejectedWithTokenExpired() {
    IssuedToken token = await(hsIssuer().issue("user-1"));
    clock.advance(
        JwtTokenIssuer.DEFAULT_TTL.plus(JwtAuthenticator.DEFAULT_CLOCK_SKEW).plusSeconds(1));

    ChatException e =
        failure(hsAuthenticator().authenticate(token.token()), ErrorCode.TOKEN_EXPIRED);
    assertThat(e.getMessage()).doesNotContain(token.token());
  }

  @Test
  void tokenExpiredWithinClockSkewIsStillAccepted() {
    IssuedToken token = await(hsIssuer().issue("user-1"));
    clock.advance(JwtTokenIssuer.DEFAULT_TTL.plusSeconds(10));

    assertThat(await(hsAuthenticator().authenticate(token.token())).userId()).isEqualTo("user-1");
  }

  @Test
  void tokenIssuedInTheFutureBeyondSkewIsRejected() throws Exception {
    String token =
        sign(
            claims("user-1", START.plusSeconds(120), START.plusSeconds(3600)),
            new HmacKey(SECRET),
            AlgorithmIdentifiers.HMAC_SHA256);

    ChatException e = failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
    assertThat(e.getMessage()).isEqualTo("invalid token: not yet valid");
  }

  @Test
  void tokenIssuedSlightlyInTheFutureWithinSkewIsAccepted() throws Exception {
    String token =
        sign(
            claims("user-1", START.plusSeconds(20), START.plusSeconds(3600)),
            new HmacKey(SECRET),
            AlgorithmIdentifiers.HMAC_SHA256);

    assertThat(await(hsAuthenticator().authenticate(token)).userId()).isEqualTo("user-1");
  }

  @Test
  void notBeforeInTheFutureBeyondSkewIsRejected() throws Exception {
    JwtClaims claims = claims("user-1", START, START.plusSeconds(3600));
    claims.setNotBefore(NumericDate.fromSeconds(START.plusSeconds(300).getEpochSecond()));
    String token = sign(claims, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256);

    failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void tokenSignedWithAnotherSecretIsRejected() {
    String token =
        await(
                JwtTokenIssuer.builder()
                    .hmacSecret(JwtSecrets.generate())
                    .clock(clock)
                    .build()
                    .issue("user-1"))
            .token();

    ChatException e = failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
    assertThat(e.getMessage()).isEqualTo("invalid token: bad signature");
  }

  @Test
  void tamperedPayloadIsRejected() {
    String token = await(hsIssuer().issue("user-1")).token();
    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + b64url(
                "{\"sub\":\"admin\",\"iat\":"
                    + START.getEpochSecond()
                    + ",\"exp\":"
                    + START.plusSeconds(3600).getEpochSecond()
                    + "}")
            + "."
            + parts[2];

    failure(hsAuthenticator().authenticate(forged), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void algNoneIsRejected() {
    String unsigned =
        b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}")
            + "."
            + b64url(
                "{\"sub\":\"user-1\",\"iat\":"
                    + START.getEpochSecond()
                    + ",\"exp\":"
                    + START.plusSeconds(3600).getEpochSecond()
                    + "}")
            + ".";

    failure(hsAuthenticator().authenticate(unsigned), ErrorCode.UNAUTHENTICATED);
    failure(
        JwtAuthenticator.builder()
            .rsaPublicKey(rsa.getPublic())
            .clock(clock)
            .build()
            .authenticate(unsigned),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void rsaVerifierRejectsHs256TokenSignedWithThePublicKeyBytes() throws Exception {
    String confused =
        sign(
            claims("user-1", START, START.plusSeconds(3600)),
            new HmacKey(rsa.getPublic().getEncoded()),
            AlgorithmIdentifiers.HMAC_SHA256);
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().rsaPublicKey(rsa.getPublic()).clock(clock).build();

    failure(authenticator.authenticate(confused), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void jwksVerifierRejectsHs256TokenSignedWithTheModulusBytes() throws Exception {
    org.jose4j.jwk.RsaJsonWebKey jwk =
        new org.jose4j.jwk.RsaJsonWebKey((java.security.interfaces.RSAPublicKey) rsa.getPublic());
    String jwks = new org.jose4j.jwk.JsonWebKeySet(jwk).toJson();
    String confused =
        sign(
            claims("user-1", START, START.plusSeconds(3600)),
            new HmacKey(jwks.getBytes(StandardCharsets.UTF_8)),
            AlgorithmIdentifiers.HMAC_SHA256);
    JwtAuthenticator authenticator = JwtAuthenticator.builder().jwks(jwks).clock(clock).build();

    failure(authenticator.authenticate(confused), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void tokenWithoutExpIsRejected() throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setSubject("user-1");
    claims.setIssuedAt(NumericDate.fromSeconds(START.getEpochSecond()));
    String token = sign(claims, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256);

    ChatException e = failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
    assertThat(e.getMessage()).isEqualTo("invalid token: missing claim");
  }

  @Test
  void tokenWithoutSubjectOrIatIsRejected() throws Exception {
    JwtClaims noSub = claims("x", START, START.plusSeconds(3600));
    noSub.unsetClaim("sub");
    JwtClaims noIat = claims("user-1", START, START.plusSeconds(3600));
    noIat.unsetClaim("iat");

    failure(
        hsAuthenticator()
            .authenticate(sign(noSub, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256)),
        ErrorCode.UNAUTHENTICATED);
    failure(
        hsAuthenticator()
            .authenticate(sign(noIat, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256)),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void wrongIssuerIsRejectedAndRightOneAccepted() {
    JwtTokenIssuer issuer =
        JwtTokenIssuer.builder().hmacSecret(SECRET).issuer("https://other").clock(clock).build();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().hmacSecret(SECRET).issuer("https://chat").clock(clock).build();
    JwtTokenIssuer rightIssuer =
        JwtTokenIssuer.builder().hmacSecret(SECRET).issuer("https://chat").clock(clock).build();

    ChatException e =
        failure(
            authenticator.authenticate(await(issuer.issue("user-1")).token()),
            ErrorCode.UNAUTHENTICATED);
    assertThat(e.getMessage()).isEqualTo("invalid token: wrong issuer or audience");
    failure(
        authenticator.authenticate(await(hsIssuer().issue("user-1")).token()),
        ErrorCode.UNAUTHENTICATED);
    assertThat(await(authenticator.authenticate(await(rightIssuer.issue("u")).token())).userId())
        .isEqualTo("u");
  }

  @Test
  void wrongOrMissingAudienceIsRejected() {
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().hmacSecret(SECRET).audience("chat").clock(clock).build();
    JwtTokenIssuer other =
        JwtTokenIssuer.builder().hmacSecret(SECRET).audience("billing").clock(clock).build();
    JwtTokenIssuer right =
        JwtTokenIssuer.builder().hmacSecret(SECRET).audience("chat").clock(clock).build();

    failure(
        authenticator.authenticate(await(other.issue("user-1")).token()),
        ErrorCode.UNAUTHENTICATED);
    failure(
        authenticator.authenticate(await(hsIssuer().issue("user-1")).token()),
        ErrorCode.UNAUTHENTICATED);
    assertThat(await(authenticator.authenticate(await(right.issue("user-1")).token())).userId())
        .isEqualTo("user-1");
  }

  @Test
  void audienceIsIgnoredWhenNotConfigured() {
    JwtTokenIssuer withAudience =
        JwtTokenIssuer.builder().hmacSecret(SECRET).audience("chat").clock(clock).build();

    assertThat(await(hsAuthenticator().authenticate(await(withAudience.issue("u")).token())))
        .extracting(Principal::userId)
        .isEqualTo("u");
  }

  @Test
  void tokenBelowStoredGenerationIsRevoked() {
    InMemoryCredentialStore store = new InMemoryCredentialStore();
    await(store.save(new Credentials("user-1", "hash", 3)));
    JwtTokenIssuer issuer =
        JwtTokenIssuer.builder().hmacSecret(SECRET).credentialStore(store).clock(clock).build();
    JwtAuthenticator authenticator = issuer.authenticatorBuilder().build();
    String token = await(issuer.issue("user-1")).token();
    assertThat(await(authenticator.authenticate(token)).userId()).isEqualTo("user-1");

    await(store.bumpTokenGeneration("user-1"));

    ChatException e = failure(authenticator.authenticate(token), ErrorCode.UNAUTHENTICATED);
    assertThat(e.getMessage()).isEqualTo("invalid token: revoked");
    String fresh = await(issuer.issue("user-1")).token();
    assertThat(await(authenticator.authenticate(fresh)).userId()).isEqualTo("user-1");
  }

  @Test
  void tokenWithoutGenerationIsRejectedWhenRevocationIsOn() {
    InMemoryCredentialStore store = new InMemoryCredentialStore();
    await(store.save(new Credentials("user-1", "hash", 0)));
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().hmacSecret(SECRET).credentialStore(store).clock(clock).build();

    failure(
        authenticator.authenticate(await(hsIssuer().issue("user-1")).token()),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void issuerWithStoreFailsForUserWithoutCredentials() {
    JwtTokenIssuer issuer =
        JwtTokenIssuer.builder()
            .hmacSecret(SECRET)
            .credentialStore(new InMemoryCredentialStore())
            .build();

    failure(issuer.issue("ghost"), ErrorCode.NOT_FOUND);
  }

  @Test
  void rs256TokensAreAccepted() {
    JwtTokenIssuer issuer = JwtTokenIssuer.builder().rsaKeyPair(rsa).clock(clock).build();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder().rsaPublicKey(rsa.getPublic()).clock(clock).build();

    String token = await(issuer.issue("user-1")).token();

    assertThat(issuer.algorithm()).isEqualTo("RS256");
    assertThat(await(authenticator.authenticate(token)).userId()).isEqualTo("user-1");
    failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void es256TokensAreAccepted() {
    JwtTokenIssuer issuer = JwtTokenIssuer.builder().ecKeyPair(ec).clock(clock).build();

    String token = await(issuer.issue("user-1", Set.of("bot"))).token();

    assertThat(issuer.algorithm()).isEqualTo("ES256");
    Principal principal = await(issuer.authenticatorBuilder().build().authenticate(token));
    assertThat(principal.roles()).containsExactly("bot");
    failure(
        JwtAuthenticator.builder()
            .rsaPublicKey(rsa.getPublic())
            .clock(clock)
            .build()
            .authenticate(token),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void shortHmacSecretIsRefusedNamingLengthAndExpectation() {
    assertThatThrownBy(() -> JwtTokenIssuer.builder().hmacSecret(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: 128 bits (expected: at least 256 bits for HS256)");
    assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("248 bits");
  }

  @Test
  void weakOrMismatchedKeysAreRefused() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    KeyPair weak = small.generateKeyPair();

    assertThatThrownBy(() -> JwtTokenIssuer.builder().rsaKeyPair(weak))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024 bits");
    assertThatThrownBy(() -> JwtAuthenticator.builder().ecPublicKey(rsa.getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwtAuthenticator.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JwtAuthenticator.builder().jwks("{}").allowedAlgorithms("HS256"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> JwtAuthenticator.builder().hmacSecret(SECRET).rsaPublicKey(rsa.getPublic()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void garbageAndOversizedTokensAreRejected() {
    failure(hsAuthenticator().authenticate("not-a-jwt"), ErrorCode.UNAUTHENTICATED);
    failure(hsAuthenticator().authenticate(""), ErrorCode.UNAUTHENTICATED);
    failure(
        hsAuthenticator().authenticate("a".repeat(JwtAuthenticator.DEFAULT_MAX_TOKEN_LENGTH + 1)),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void rolesClaimThatIsNotAStringArrayIsRejected() throws Exception {
    JwtClaims claims = claims("user-1", START, START.plusSeconds(3600));
    claims.setClaim("roles", 42);

    failure(
        hsAuthenticator()
            .authenticate(sign(claims, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256)),
        ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void expiredTokenWithBadSignatureIsUnauthenticatedNotExpired() throws Exception {
    String token =
        sign(
            claims("user-1", START.minusSeconds(7200), START.minusSeconds(3600)),
            new HmacKey(JwtSecrets.generate()),
            AlgorithmIdentifiers.HMAC_SHA256);

    failure(hsAuthenticator().authenticate(token), ErrorCode.UNAUTHENTICATED);
  }
}
