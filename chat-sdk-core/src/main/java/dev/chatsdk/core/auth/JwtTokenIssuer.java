package dev.chatsdk.core.auth;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.api.port.TokenIssuer;
import dev.chatsdk.core.auth.internal.JwtKeys;
import java.security.Key;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;

/**
 * Issues signed JWTs: HS256 with a shared secret (the default), RS256 or ES256 with a key pair.
 *
 * <p>Claims: {@code sub} (the user id), {@code iat}, {@code exp} ({@code iat} + {@link
 * Builder#ttl}), {@code iss} and {@code aud} when configured, {@value #CLAIM_ROLES} (a string
 * array, when roles are given) and, when built with a {@link CredentialStore}, {@value
 * #CLAIM_GENERATION}: the user's current {@link dev.chatsdk.api.Credentials#tokenGeneration()}, so
 * that raising the generation (logout, password change) revokes the token in a {@link
 * JwtAuthenticator} built with the same store.
 *
 * <p>Thread-safe and immutable. {@link #issue} never blocks; without a credential store it
 * completes before returning.
 */
public final class JwtTokenIssuer implements TokenIssuer {
  /** How long a token is valid by default: 24 hours. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  /** The claim carrying the user's roles, a JSON array of strings. */
  public static final String CLAIM_ROLES = "roles";

  /** The claim carrying the token generation the token was issued under. */
  public static final String CLAIM_GENERATION = "gen";

  private final Key signingKey;
  private final Key verificationKey;
  private final String algorithm;
  private final @Nullable String keyId;
  private final @Nullable String issuer;
  private final @Nullable String audience;
  private final Duration ttl;
  private final Clock clock;
  private final @Nullable CredentialStore credentialStore;

  private JwtTokenIssuer(Builder b) {
    if (b.signingKey == null || b.verificationKey == null || b.algorithm == null) {
      throw new IllegalStateException(
          "no key: call hmacSecret, rsaKeyPair or ecKeyPair (expected: exactly one)");
    }
    this.signingKey = b.signingKey;
    this.verificationKey = b.verificationKey;
    this.algorithm = b.algorithm;
    this.keyId = b.keyId;
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.ttl = b.ttl;
    this.clock = b.clock;
    this.credentialStore = b.credentialStore;
  }

  /** Returns a new builder; a key must be set with one of its key methods. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Issues a token for the user without roles. With a credential store, completes after the store
   * returned the user's generation, and fails with {@code NOT_FOUND} when the user has no
   * credentials.
   */
  @Override
  public CompletionStage<IssuedToken> issue(String userId) {
    return issue(userId, Set.of());
  }

  /**
   * Issues a token for the user carrying the given roles in the {@value #CLAIM_ROLES} claim. Same
   * completion rules as {@link #issue(String)}.
   */
  public CompletionStage<IssuedToken> issue(String userId, Set<String> roles) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(roles, "roles");
    List<String> roleList = new ArrayList<>(roles);
    roleList.sort(null);
    if (credentialStore == null) {
      try {
        return CompletableFuture.completedFuture(sign(userId, roleList, null));
      } catch (ChatException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return credentialStore
        .find(userId)
        .thenApply(
            credentials ->
                sign(
                    userId,
                    roleList,
                    credentials
                        .orElseThrow(
                            () ->
                                ChatException.notFound(
                                    "userId: '" + userId + "' has no credentials"))
                        .tokenGeneration()));
  }

  private IssuedToken sign(String userId, List<String> roles, @Nullable Long generation) {
    Instant now = clock.instant();
    Instant expiresAt = now.plus(ttl);
    JwtClaims claims = new JwtClaims();
    claims.setSubject(userId);
    claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
    if (issuer != null) {
      claims.setIssuer(issuer);
    }
    if (audience != null) {
      claims.setAudience(audience);
    }
    if (!roles.isEmpty()) {
      claims.setStringListClaim(CLAIM_ROLES, roles);
    }
    if (generation != null) {
      claims.setClaim(CLAIM_GENERATION, generation);
    }
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(algorithm);
    jws.setHeader("typ", "JWT");
    if (keyId != null) {
      jws.setKeyIdHeaderValue(keyId);
    }
    jws.setKey(signingKey);
    try {
      return new IssuedToken(
          jws.getCompactSerialization(), Instant.ofEpochSecond(expiresAt.getEpochSecond()));
    } catch (JoseException e) {
      throw new ChatException(ErrorCode.INTERNAL, "token signing failed (" + algorithm + ")", e);
    }
  }

  /** The JWS algorithm tokens are signed with: {@code HS256}, {@code RS256} or {@code ES256}. */
  public String algorithm() {
    return algorithm;
  }

  /** How long issued tokens are valid. */
  public Duration ttl() {
    return ttl;
  }

  /**
   * Returns an authenticator builder preset to accept this issuer's tokens: the same key (the
   * public half for RS256/ES256), issuer, audience, clock and credential store. Further settings
   * (clock skew, roles claim) may be changed on the returned builder.
   */
  public JwtAuthenticator.Builder authenticatorBuilder() {
    JwtAuthenticator.Builder b = JwtAuthenticator.builder().clock(clock);
    switch (algorithm) {
      case AlgorithmIdentifiers.HMAC_SHA256 -> {
        byte[] secret = verificationKey.getEncoded();
        b.hmacSecret(secret);
        Arrays.fill(secret, (byte) 0);
      }
      case AlgorithmIdentifiers.RSA_USING_SHA256 -> b.rsaPublicKey((PublicKey) verificationKey);
      default -> b.ecPublicKey((PublicKey) verificationKey);
    }
    if (issuer != null) {
      b.issuer(issuer);
    }
    if (audience != null) {
      b.audience(audience);
    }
    if (credentialStore != null) {
      b.credentialStore(credentialStore);
    }
    return b;
  }

  @Override
  public String toString() {
    return "JwtTokenIssuer[algorithm=" + algorithm + ", ttl=" + ttl + ", issuer=" + issuer + "]";
  }

  /** Builds a {@link JwtTokenIssuer}. Not thread-safe. Exactly one key method must be called. */
  public static final class Builder {
    private @Nullable Key signingKey;
    private @Nullable Key verificationKey;
    private @Nullable String algorithm;
    private @Nullable String keyId;
    private @Nullable String issuer;
    private @Nullable String audience;
    private Duration ttl = DEFAULT_TTL;
    private Clock clock = Clock.systemUTC();
    private @Nullable CredentialStore credentialStore;

    private Builder() {}

    /**
     * Signs with HS256 and this secret (copied), which must be at least {@value
     * JwtSecrets#MIN_LENGTH} bytes; see {@link JwtSecrets#generate()}.
     *
     * @throws IllegalArgumentException naming the secret's length and the minimum
     */
    public Builder hmacSecret(byte[] secret) {
      HmacKey key = JwtSecrets.hmacKey(secret);
      return key(key, key, AlgorithmIdentifiers.HMAC_SHA256);
    }

    /**
     * Signs with RS256 and the pair's private key (at least 2048 bits).
     *
     * @throws IllegalArgumentException if the pair is not RSA or too short
     */
    public Builder rsaKeyPair(KeyPair keyPair) {
      Objects.requireNonNull(keyPair, "keyPair");
      return key(
          JwtKeys.checkRsa(keyPair.getPrivate(), "keyPair"),
          JwtKeys.checkRsa(keyPair.getPublic(), "keyPair"),
          AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /**
     * Signs with ES256 and the pair's private key, which must be on curve P-256.
     *
     * @throws IllegalArgumentException if the pair is not EC on P-256
     */
    public Builder ecKeyPair(KeyPair keyPair) {
      Objects.requireNonNull(keyPair, "keyPair");
      return key(
          JwtKeys.checkEc256(keyPair.getPrivate(), "keyPair"),
          JwtKeys.checkEc256(keyPair.getPublic(), "keyPair"),
          AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    }

    private Builder key(Key signing, Key verification, String alg) {
      if (this.algorithm != null) {
        throw new IllegalStateException("key: already set to " + this.algorithm);
      }
      this.signingKey = signing;
      this.verificationKey = verification;
      this.algorithm = alg;
      return this;
    }

    /** Sets the {@code kid} header, e.g. to match a published JWKS entry. Default: none. */
    public Builder keyId(String keyId) {
      this.keyId = Objects.requireNonNull(keyId, "keyId");
      return this;
    }

    /** Sets the {@code iss} claim. Default: none. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** Sets the {@code aud} claim. Default: none. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * Sets how long tokens are valid. Default {@link #DEFAULT_TTL}.
     *
     * @throws IllegalArgumentException unless at least one second
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.getSeconds() < 1) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: at least 1 second)");
      }
      this.ttl = ttl;
      return this;
    }

    /** Sets the clock for {@code iat} and {@code exp}. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Stamps each token with the user's current token generation read from this store, which
     * enables revocation. Default: none (tokens carry no {@value #CLAIM_GENERATION} claim).
     */
    public Builder credentialStore(CredentialStore credentialStore) {
      this.credentialStore = Objects.requireNonNull(credentialStore, "credentialStore");
      return this;
    }

    /**
     * Builds the issuer.
     *
     * @throws IllegalStateException if no key was set
     */
    public JwtTokenIssuer build() {
      return new JwtTokenIssuer(this);
    }
  }
}
