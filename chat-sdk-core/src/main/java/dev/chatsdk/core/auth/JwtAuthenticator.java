package dev.chatsdk.core.auth;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.core.auth.internal.JwtKeys;
import java.io.IOException;
import java.net.URI;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JWTs and turns them into {@link Principal}s: HS256 with a shared secret, RS256 or ES256
 * with a public key, or any of {@link #DEFAULT_JWKS_ALGORITHMS} with keys from a JSON Web Key Set,
 * given as text or fetched from a URL (for host applications with their own identity provider).
 *
 * <p>Checks: the signature, with the algorithm pinned by the key type (never {@code none}, never an
 * HMAC algorithm with an RSA or EC key); {@code exp}, {@code iat} and {@code sub} present; {@code
 * exp} and {@code nbf} against the clock with at most {@link Builder#clockSkew} of skew; {@code
 * iat} not further in the future than the skew; {@code iss} and {@code aud} when configured;
 * {@value JwtTokenIssuer#CLAIM_ROLES} a string array when present. When built with a {@link
 * CredentialStore}, the token's {@value JwtTokenIssuer#CLAIM_GENERATION} claim must be present and
 * not below the user's stored token generation (so logout and password change revoke tokens).
 *
 * <p>Failures complete the stage with a {@link ChatException}: {@link ErrorCode#TOKEN_EXPIRED} for
 * a correctly signed but expired token, {@link ErrorCode#UNAUTHENTICATED} with a short reason for
 * any other rejection (the message never contains the token), {@link ErrorCode#UNAVAILABLE} when a
 * JWKS URL cannot be fetched or the credential store fails. The exception may reach dependent
 * stages wrapped in a {@link java.util.concurrent.CompletionException}.
 *
 * <p>Thread-safe. With fixed keys verification runs on the caller's thread (microseconds of CPU, no
 * IO). With a JWKS URL it runs on an executor, since a key fetch may block; the authenticator then
 * owns a small thread pool unless one is given, released by {@link #close()}.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
  /** Allowed difference between the issuer's and this clock: 30 seconds. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  /** Largest clock skew {@link Builder#clockSkew} accepts: 5 minutes. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** Tokens longer than this many characters are rejected unparsed: 8192. */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

  /** The claim read as the principal's roles by default: {@value JwtTokenIssuer#CLAIM_ROLES}. */
  public static final String DEFAULT_ROLES_CLAIM = JwtTokenIssuer.CLAIM_ROLES;

  /** Algorithms accepted with keys from a JWKS by default: asymmetric RSA and EC ones only. */
  public static final List<String> DEFAULT_JWKS_ALGORITHMS =
      List.of(
          AlgorithmIdentifiers.RSA_USING_SHA256,
          AlgorithmIdentifiers.RSA_USING_SHA384,
          AlgorithmIdentifiers.RSA_USING_SHA512,
          AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
          AlgorithmIdentifiers.RSA_PSS_USING_SHA384,
          AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
          AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
          AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
          AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);

  /** Connect and read timeout of a JWKS fetch: 5 seconds. */
  public static final Duration DEFAULT_JWKS_FETCH_TIMEOUT = Duration.ofSeconds(5);

  /** How long fetched keys are cached when the response has no cache headers: 10 minutes. */
  public static final Duration DEFAULT_JWKS_CACHE_DURATION = Duration.ofMinutes(10);

  /** Threads of the pool the authenticator creates for a JWKS URL without an executor: 2. */
  public static final int DEFAULT_JWKS_THREADS = 2;

  /** Queue capacity of that pool; verifications beyond it fail with UNAVAILABLE: 1024. */
  public static final int DEFAULT_JWKS_QUEUE_CAPACITY = 1024;

  private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);
  private static final int JWKS_BODY_LIMIT = 512 * 1024;

  private final @Nullable Key verificationKey;
  private final @Nullable VerificationKeyResolver keyResolver;
  private final String[] algorithms;
  private final @Nullable String issuer;
  private final @Nullable String audience;
  private final Duration clockSkew;
  private final Clock clock;
  private final @Nullable CredentialStore credentialStore;
  private final String rolesClaim;
  private final int maxTokenLength;
  private final @Nullable Executor executor;
  private final @Nullable ExecutorService ownedExecutor;

  private JwtAuthenticator(Builder b) {
    if (b.algorithms == null) {
      throw new IllegalStateException(
          "no key: call hmacSecret, rsaPublicKey, ecPublicKey, jwks or jwksUrl"
              + " (expected: exactly one)");
    }
    this.algorithms = b.algorithms.toArray(String[]::new);
    this.verificationKey = b.verificationKey;
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.clockSkew = b.clockSkew;
    this.clock = b.clock;
    this.credentialStore = b.credentialStore;
    this.rolesClaim = b.rolesClaim;
    this.maxTokenLength = b.maxTokenLength;
    if (b.jwksUrl != null) {
      HttpsJwks httpsJwks = new HttpsJwks(b.jwksUrl.toString());
      Get get = new Get();
      int timeoutMillis = (int) b.jwksFetchTimeout.toMillis();
      get.setConnectTimeout(timeoutMillis);
      get.setReadTimeout(timeoutMillis);
      get.setResponseBodySizeLimit(JWKS_BODY_LIMIT);
      get.setRetries(0);
      httpsJwks.setSimpleHttpGet(get);
      httpsJwks.setDefaultCacheDuration(b.jwksCacheDuration.getSeconds());
      // Keep verifying with the last good keys while the endpoint has a short outage.
      httpsJwks.setRetainCacheOnErrorDuration(b.jwksCacheDuration.getSeconds());
      this.keyResolver = new HttpsJwksVerificationKeyResolver(httpsJwks);
      if (b.executor != null) {
        this.executor = b.executor;
        this.ownedExecutor = null;
      } else {
        this.ownedExecutor = newJwksPool();
        this.executor = ownedExecutor;
      }
    } else {
      this.keyResolver = b.jwks == null ? null : new JwksVerificationKeyResolver(b.jwks);
      this.executor = null;
      this.ownedExecutor = null;
    }
  }

  /** Returns a new builder; a key source must be set with one of its key methods. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies the token and completes with the principal it proves: {@code sub} as the user id, the
   * roles claim as roles, {@code exp} as the expiry. Never throws; failures complete the stage
   * exceptionally as described in the class documentation.
   */
  @Override
  public CompletionStage<Principal> authenticate(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || token.length() > maxTokenLength) {
      return CompletableFuture.failedFuture(unauthenticated("malformed"));
    }
    CompletableFuture<Verified> verified;
    if (executor == null) {
      try {
        verified = CompletableFuture.completedFuture(verify(token));
      } catch (ChatException e) {
        return CompletableFuture.failedFuture(e);
      }
    } else {
      try {
        verified = CompletableFuture.supplyAsync(() -> verify(token), executor);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.failedFuture(
            new StoreUnavailableException("token verification queue full", e));
      }
    }
    CredentialStore store = credentialStore;
    if (store == null) {
      return verified.thenApply(Verified::principal);
    }
    return verified.thenCompose(v -> checkGeneration(store, v));
  }

  private CompletionStage<Principal> checkGeneration(CredentialStore store, Verified v) {
    Long generation = v.generation();
    if (generation == null) {
      return CompletableFuture.failedFuture(unauthenticated("revoked"));
    }
    return store
        .find(v.principal().userId())
        .thenCompose(
            credentials -> {
              if (credentials.isEmpty() || generation < credentials.get().tokenGeneration()) {
                return CompletableFuture.failedFuture(unauthenticated("revoked"));
              }
              return CompletableFuture.completedFuture(v.principal());
            });
  }

  private Verified verify(String token) {
    Instant now = clock.instant();
    JwtConsumerBuilder consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setRequireIssuedAt()
            .setRequireSubject()
            .setAllowedClockSkewInSeconds((int) clockSkew.getSeconds())
            .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
            .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithms);
    if (keyResolver != null) {
      consumer.setVerificationKeyResolver(keyResolver);
    } else {
      consumer.setVerificationKey(Objects.requireNonNull(verificationKey));
    }
    if (issuer != null) {
      consumer.setExpectedIssuer(issuer);
    }
    if (audience != null) {
      consumer.setExpectedAudience(audience);
    } else {
      consumer.setSkipDefaultAudienceValidation();
    }
    JwtClaims claims;
    try {
      claims = consumer.build().processToClaims(token);
    } catch (InvalidJwtException e) {
      throw translate(e);
    }
    try {
      NumericDate issuedAt = claims.getIssuedAt();
      if (issuedAt.getValue() > now.getEpochSecond() + clockSkew.getSeconds()) {
        throw unauthenticated("not yet valid");
      }
      Set<String> roles =
          claims.hasClaim(rolesClaim)
              ? Set.copyOf(claims.getStringListClaimValue(rolesClaim))
              : Set.of();
      Long generation = null;
      Object gen = claims.getClaimValue(JwtTokenIssuer.CLAIM_GENERATION);
      if (gen != null) {
        if (!(gen instanceof Long value) || value < 0) {
          throw unauthenticated("malformed claims");
        }
        generation = value;
      }
      Instant expiresAt = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
      return new Verified(new Principal(claims.getSubject(), roles, expiresAt), generation);
    } catch (MalformedClaimException | RuntimeException e) {
      if (e instanceof ChatException ce && ce.code() == ErrorCode.UNAUTHENTICATED) {
        throw ce;
      }
      log.debug("token rejected: malformed claims ({})", e.getClass().getSimpleName());
      throw unauthenticated("malformed claims");
    }
  }

  private static ChatException translate(InvalidJwtException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        log.warn("JWKS fetch failed: {}", t.toString());
        return new StoreUnavailableException("JWKS endpoint unavailable");
      }
    }
    List<ErrorCodeValidator.Error> errors = e.getErrorDetails();
    String reason;
    if (!errors.isEmpty()
        && errors.stream().allMatch(error -> error.getErrorCode() == ErrorCodes.EXPIRED)) {
      log.debug("token rejected: expired");
      return new ChatException(ErrorCode.TOKEN_EXPIRED, "token expired");
    } else if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
      reason = "bad signature";
    } else if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)
        || e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)
        || e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
      reason = "missing claim";
    } else if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
      reason = "not yet valid";
    } else if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)
        || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)
        || e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
        || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
      reason = "wrong issuer or audience";
    } else if (e.hasExpired()) {
      reason = "expired";
    } else {
      reason = "rejected";
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "token rejected: {} (codes {})",
          reason,
          errors.stream()
              .map(error -> String.valueOf(error.getErrorCode()))
              .collect(Collectors.joining(",")));
    }
    return unauthenticated(reason);
  }

  private static ChatException unauthenticated(String reason) {
    return new ChatException(ErrorCode.UNAUTHENTICATED, "invalid token: " + reason);
  }

  private static ExecutorService newJwksPool() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            DEFAULT_JWKS_THREADS,
            DEFAULT_JWKS_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(DEFAULT_JWKS_QUEUE_CAPACITY),
            r -> {
              Thread t = new Thread(r, "chat-jwt-verify-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Releases the thread pool the authenticator created for a JWKS URL, if any; an executor passed
   * to the builder is not shut down. Idempotent.
   */
  @Override
  public void close() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  @Override
  public String toString() {
    return "JwtAuthenticator[algorithms="
        + Arrays.toString(algorithms)
        + ", issuer="
        + issuer
        + ", audience="
        + audience
        + "]";
  }

  private record Verified(Principal principal, @Nullable Long generation) {}

  /**
   * Builds a {@link JwtAuthenticator}. Not thread-safe. Exactly one key method ({@link
   * #hmacSecret}, {@link #rsaPublicKey}, {@link #ecPublicKey}, {@link #jwks}, {@link #jwksUrl})
   * must be called.
   */
  public static final class Builder {
    private @Nullable Key verificationKey;
    private @Nullable List<JsonWebKey> jwks;
    private @Nullable URI jwksUrl;
    private @Nullable List<String> algorithms;
    private boolean algorithmsOverridden;
    private @Nullable String issuer;
    private @Nullable String audience;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Clock clock = Clock.systemUTC();
    private @Nullable CredentialStore credentialStore;
    private String rolesClaim = DEFAULT_ROLES_CLAIM;
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
    private @Nullable Executor executor;
    private Duration jwksFetchTimeout = DEFAULT_JWKS_FETCH_TIMEOUT;
    private Duration jwksCacheDuration = DEFAULT_JWKS_CACHE_DURATION;

    private Builder() {}

    /**
     * Accepts HS256 tokens signed with this secret (copied), at least {@value
     * JwtSecrets#MIN_LENGTH} bytes.
     *
     * @throws IllegalArgumentException naming the secret's length and the minimum
     */
    public Builder hmacSecret(byte[] secret) {
      checkNoSource(true);
      verificationKey = JwtSecrets.hmacKey(secret);
      return source(List.of(AlgorithmIdentifiers.HMAC_SHA256));
    }

    /**
     * Accepts RS256 tokens verified with this RSA public key (at least 2048 bits).
     *
     * @throws IllegalArgumentException if the key is not RSA or too short
     */
    public Builder rsaPublicKey(PublicKey publicKey) {
      Objects.requireNonNull(publicKey, "publicKey");
      checkNoSource(true);
      verificationKey = JwtKeys.checkRsa(publicKey, "publicKey");
      return source(List.of(AlgorithmIdentifiers.RSA_USING_SHA256));
    }

    /**
     * Accepts ES256 tokens verified with this EC public key on P-256.
     *
     * @throws IllegalArgumentException if the key is not EC on P-256
     */
    public Builder ecPublicKey(PublicKey publicKey) {
      Objects.requireNonNull(publicKey, "publicKey");
      checkNoSource(true);
      verificationKey = JwtKeys.checkEc256(publicKey, "publicKey");
      return source(List.of(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
    }

    /**
     * Accepts tokens verified with the RSA and EC keys of this JSON Web Key Set (JSON text with a
     * {@code keys} array), choosing by the token's {@code kid}. Symmetric keys in the set are
     * ignored. Algorithms: {@link #DEFAULT_JWKS_ALGORITHMS} unless {@link #allowedAlgorithms} is
     * called.
     *
     * @throws IllegalArgumentException if the text is not a JWKS or holds no RSA or EC key
     */
    public Builder jwks(String jwksJson) {
      Objects.requireNonNull(jwksJson, "jwksJson");
      checkNoSource(false);
      List<JsonWebKey> keys;
      try {
        keys = new JsonWebKeySet(jwksJson).getJsonWebKeys();
      } catch (JoseException e) {
        throw new IllegalArgumentException("jwks: not a JSON Web Key Set (" + e.getMessage() + ")");
      }
      List<JsonWebKey> publicKeys =
          keys.stream().filter(k -> k instanceof PublicJsonWebKey).toList();
      if (publicKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "jwks: " + keys.size() + " keys, none RSA or EC (expected: at least one)");
      }
      this.jwks = publicKeys;
      return source(DEFAULT_JWKS_ALGORITHMS);
    }

    /**
     * Accepts tokens verified with keys fetched from this JWKS URL (an identity provider's {@code
     * jwks_uri}). Keys are cached (per the response's cache headers, else {@link
     * #jwksCacheDuration}) and refetched when a token names an unknown {@code kid}. Verification
     * runs on {@link #executor}. Algorithms: {@link #DEFAULT_JWKS_ALGORITHMS} unless {@link
     * #allowedAlgorithms} is called.
     *
     * @throws IllegalArgumentException unless the scheme is http or https
     */
    public Builder jwksUrl(URI jwksUrl) {
      Objects.requireNonNull(jwksUrl, "jwksUrl");
      checkNoSource(false);
      String scheme = jwksUrl.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException(
            "jwksUrl: scheme " + scheme + " (expected: https, or http on a trusted network)");
      }
      this.jwksUrl = jwksUrl;
      return source(DEFAULT_JWKS_ALGORITHMS);
    }

    private void checkNoSource(boolean fixedKey) {
      if (algorithms != null && !algorithmsOverridden
          || verificationKey != null
          || jwks != null
          || jwksUrl != null) {
        throw new IllegalStateException("key: already set (expected: exactly one key source)");
      }
      if (fixedKey && algorithmsOverridden) {
        throw new IllegalStateException(
            "allowedAlgorithms: a fixed key pins its algorithm (expected: jwks or jwksUrl)");
      }
    }

    private Builder source(List<String> defaultAlgorithms) {
      if (!algorithmsOverridden) {
        algorithms = defaultAlgorithms;
      }
      return this;
    }

    /**
     * Restricts the algorithms accepted with a JWKS ({@link #jwks} or {@link #jwksUrl}), e.g. to
     * {@code "RS256"} only. Only RSA, RSA-PSS and ECDSA algorithms are allowed.
     *
     * @throws IllegalArgumentException for an empty list or any other algorithm
     */
    public Builder allowedAlgorithms(String... algorithms) {
      Objects.requireNonNull(algorithms, "algorithms");
      if (algorithms.length == 0) {
        throw new IllegalArgumentException("algorithms: empty (expected: at least one)");
      }
      for (String alg : algorithms) {
        if (!DEFAULT_JWKS_ALGORITHMS.contains(alg)) {
          throw new IllegalArgumentException(
              "algorithms: " + alg + " (expected: one of " + DEFAULT_JWKS_ALGORITHMS + ")");
        }
      }
      if (verificationKey != null) {
        throw new IllegalStateException(
            "allowedAlgorithms: a fixed key pins its algorithm (expected: jwks or jwksUrl)");
      }
      this.algorithms = List.of(algorithms);
      this.algorithmsOverridden = true;
      return this;
    }

    /** Requires this {@code iss} claim. Default: {@code iss} is not checked. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** Requires this value in the {@code aud} claim. Default: {@code aud} is not checked. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * Sets the clock skew tolerated for {@code exp}, {@code nbf} and {@code iat}. Default {@link
     * #DEFAULT_CLOCK_SKEW}.
     *
     * @throws IllegalArgumentException unless 0 to {@link #MAX_CLOCK_SKEW}
     */
    public Builder clockSkew(Duration clockSkew) {
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew: " + clockSkew + " (expected: 0.." + MAX_CLOCK_SKEW + ")");
      }
      this.clockSkew = clockSkew;
      return this;
    }

    /** Sets the clock tokens are checked against. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Enables revocation: a token is rejected when its {@value JwtTokenIssuer#CLAIM_GENERATION}
     * claim is missing or below the user's stored token generation, or the user has no credentials.
     * Costs one store lookup per verification. Default: none.
     */
    public Builder credentialStore(CredentialStore credentialStore) {
      this.credentialStore = Objects.requireNonNull(credentialStore, "credentialStore");
      return this;
    }

    /** Sets the claim read as roles (a string array). Default {@link #DEFAULT_ROLES_CLAIM}. */
    public Builder rolesClaim(String rolesClaim) {
      this.rolesClaim = Objects.requireNonNull(rolesClaim, "rolesClaim");
      return this;
    }

    /**
     * Sets the longest token accepted, in characters. Default {@link #DEFAULT_MAX_TOKEN_LENGTH}.
     *
     * @throws IllegalArgumentException unless 256..65536
     */
    public Builder maxTokenLength(int maxTokenLength) {
      if (maxTokenLength < 256 || maxTokenLength > 65536) {
        throw new IllegalArgumentException(
            "maxTokenLength: " + maxTokenLength + " (expected: 256..65536)");
      }
      this.maxTokenLength = maxTokenLength;
      return this;
    }

    /**
     * Sets the executor that runs verifications with a {@link #jwksUrl} (a key fetch may block it
     * for up to {@link #jwksFetchTimeout}). Not shut down by {@link JwtAuthenticator#close()}.
     * Default: a pool of {@link #DEFAULT_JWKS_THREADS} daemon threads with a queue of {@link
     * #DEFAULT_JWKS_QUEUE_CAPACITY}, owned by the authenticator.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the connect and read timeout of a JWKS fetch. Default {@link
     * #DEFAULT_JWKS_FETCH_TIMEOUT}.
     *
     * @throws IllegalArgumentException unless 1 ms..1 minute
     */
    public Builder jwksFetchTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "jwksFetchTimeout: " + timeout + " (expected: 1 ms..1 minute)");
      }
      this.jwksFetchTimeout = timeout;
      return this;
    }

    /**
     * Sets how long fetched keys are cached when the response carries no cache headers, and how
     * long the last fetched keys stay in use while the endpoint fails. Default {@link
     * #DEFAULT_JWKS_CACHE_DURATION}.
     *
     * @throws IllegalArgumentException unless at least 1 second
     */
    public Builder jwksCacheDuration(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.getSeconds() < 1) {
        throw new IllegalArgumentException(
            "jwksCacheDuration: " + duration + " (expected: at least 1 second)");
      }
      this.jwksCacheDuration = duration;
      return this;
    }

    /**
     * Builds the authenticator.
     *
     * @throws IllegalStateException if no key source was set
     */
    public JwtAuthenticator build() {
      return new JwtAuthenticator(this);
    }
  }
}
