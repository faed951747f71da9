package dev.chatsdk.core.auth;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.api.port.TokenIssuer;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.auth.internal.AddressKeys;
import dev.chatsdk.core.auth.internal.AttemptTracker;
import dev.chatsdk.core.auth.internal.Passwords;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-up, login, logout and password change over a {@link UserStore}, a {@link CredentialStore}, a
 * {@link TokenIssuer} and {@link PasswordHashing}: the account flows a server exposes under {@code
 * /api/auth}.
 *
 * <p>Security: login answers {@link ErrorCode#UNAUTHENTICATED} "invalid username or password" for
 * an unknown user and a wrong password alike, and checks unknown users against a dummy hash so both
 * take similar time. Failed logins are throttled per account and per remote address, and sign-ups
 * per address, as set by {@link LoginThrottle}; a throttled call fails with a {@link
 * RateLimitedException} ({@link ErrorCode#RATE_LIMITED}, with the time to wait). Logout and a
 * password change raise the user's token generation, which revokes every token issued before (with
 * a {@link JwtTokenIssuer} and {@link JwtAuthenticator} built with the same credential store).
 *
 * <p>Passwords: every method taking a {@code char[]} takes ownership of it and overwrites it with
 * zeros once done with it, at the latest when the returned stage completes. Passwords and tokens
 * are never logged.
 *
 * <p>Threading: thread-safe; no method blocks. Hashing runs on the {@link PasswordHashing} pool;
 * the rest runs on whatever thread completes the stores' stages. Errors complete the returned stage
 * exceptionally (possibly wrapped in a {@link CompletionException}) with a {@link ChatException}.
 *
 * <p>Lifecycle: {@link #close()} shuts down the {@link PasswordHashing} only if the service created
 * it.
 */
public final class AccountService implements AutoCloseable {
  /** The shortest password accepted at sign-up and password change: 8 characters. */
  public static final int DEFAULT_MIN_PASSWORD = 8;

  /** The longest password accepted: 256 characters. */
  public static final int MAX_PASSWORD = 256;

  private static final Logger log = LoggerFactory.getLogger(AccountService.class);
  private static final String INVALID_CREDENTIALS = "invalid username or password";
  private static final int MAX_ECHOED_INPUT = 40;

  private final UserStore userStore;
  private final CredentialStore credentialStore;
  private final TokenIssuer tokenIssuer;
  private final PasswordHashing passwordHashing;
  private final boolean ownsPasswordHashing;
  private final Clock clock;
  private final int minPassword;
  private final Supplier<String> idGenerator;
  private final AttemptTracker accountFailures;
  private final AttemptTracker addressFailures;
  private final AttemptTracker addressSignups;
  private final AtomicReference<@Nullable CompletableFuture<String>> dummyHash =
      new AtomicReference<>();

  private AccountService(Builder b) {
    this.userStore = require(b.userStore, "userStore");
    this.credentialStore = require(b.credentialStore, "credentialStore");
    this.tokenIssuer = require(b.tokenIssuer, "tokenIssuer");
    this.ownsPasswordHashing = b.passwordHashing == null;
    this.passwordHashing =
        b.passwordHashing != null ? b.passwordHashing : PasswordHashing.withDefaults();
    this.clock = b.clock;
    this.minPassword = b.minPassword;
    this.idGenerator = b.idGenerator;
    LoginThrottle t = b.loginThrottle;
    this.accountFailures =
        new AttemptTracker(
            t.maxFailuresPerAccount(),
            t.window(),
            t.initialLockout(),
            t.maxLockout(),
            t.maxTrackedKeys());
    this.addressFailures =
        new AttemptTracker(
            t.maxFailuresPerAddress(),
            t.window(),
            t.initialLockout(),
            t.maxLockout(),
            t.maxTrackedKeys());
    this.addressSignups =
        new AttemptTracker(
            t.maxSignupsPerAddress(),
            t.window(),
            t.initialLockout(),
            t.maxLockout(),
            t.maxTrackedKeys());
    // Compute the dummy hash in the background now, so the first unknown-user login already
    // costs the same as any other.
    dummyHash();
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + ": not set (expected: a " + name + ")");
    }
    return value;
  }

  /** Returns a new builder; user store, credential store and token issuer are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates an account and logs it in. Fails with {@link ErrorCode#INVALID_ARGUMENT} for a username
   * that is not 3..32 characters of {@code [A-Za-z0-9_.-]}, a password outside {@code
   * minPassword..}{@value #MAX_PASSWORD} characters or a display name that is blank or longer than
   * {@value User#MAX_DISPLAY_NAME} (surrounding whitespace is stripped); with {@link
   * ErrorCode#CONFLICT} when the username is taken, compared case-insensitively; with {@link
   * ErrorCode#RATE_LIMITED} when the address has signed up too often or hashing is saturated.
   *
   * @param remoteAddress the client's address, for throttling (e.g. {@code "203.0.113.7"})
   */
  public CompletionStage<AuthResult> signup(
      String username, char[] password, String displayName, String remoteAddress) {
    Objects.requireNonNull(password, "password");
    if (username == null || displayName == null || remoteAddress == null) {
      Passwords.zero(password);
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
    try {
      if (!User.validUsername(username)) {
        throw ChatException.invalid(
            "username: '" + echo(username) + "' (expected: 3..32 characters of A-Z a-z 0-9 _ . -)");
      }
      checkPasswordLength("password", password);
      String name = displayName.strip();
      if (name.isEmpty() || name.length() > User.MAX_DISPLAY_NAME) {
        throw ChatException.invalid(
            "displayName: length "
                + name.length()
                + " (expected: 1.."
                + User.MAX_DISPLAY_NAME
                + ", not blank)");
      }
      String addressKey = AddressKeys.of(remoteAddress);
      Optional<Duration> wait = addressSignups.tryAcquire(addressKey, clock.millis());
      if (wait.isPresent()) {
        throw new RateLimitedException(
            ErrorCode.RATE_LIMITED, "too many sign-ups from this address", wait.get());
      }
      CompletableFuture<AuthResult> result;
      try {
        result = signupAcquired(username, password, name);
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      return result.whenComplete(
          (ok, error) -> {
            Passwords.zero(password);
            addressSignups.release(addressKey, clock.millis(), true);
          });
    } catch (RuntimeException e) {
      Passwords.zero(password);
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<AuthResult> signupAcquired(
      String username, char[] password, String displayName) {
    return userStore
        .findByUsername(username)
        .thenCompose(
            existing -> {
              if (existing.isPresent()) {
                throw conflict(username);
              }
              return passwordHashing.hash(password);
            })
        .thenCompose(
            hash -> {
              String userId = idGenerator.get();
              User user = new User(userId, username, displayName, null, clock.instant(), null);
              // Credentials first: if the user cannot be created (a concurrent sign-up took the
              // name), only an unreachable credentials record remains, never a user who cannot log
              // in.
              return credentialStore
                  .save(new Credentials(userId, hash, 0))
                  .thenCompose(saved -> userStore.create(user));
            })
        .thenCompose(
            user -> {
              log.debug("signed up user {}", user.id());
              return tokenIssuer.issue(user.id()).thenApply(token -> new AuthResult(user, token));
            })
        .toCompletableFuture();
  }

  /**
   * Checks a username and password and issues a token. Fails with {@link ErrorCode#UNAUTHENTICATED}
   * "invalid username or password" when the user does not exist or the password is wrong
   * (indistinguishably), and with a {@link RateLimitedException} when the account or the address is
   * locked out after too many failures, or hashing is saturated.
   *
   * @param remoteAddress the client's address, for throttling
   */
  public CompletionStage<AuthResult> login(String username, char[] password, String remoteAddress) {
    Objects.requireNonNull(password, "password");
    if (username == null || remoteAddress == null) {
      Passwords.zero(password);
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
    long now = clock.millis();
    String addressKey = AddressKeys.of(remoteAddress);
    Optional<Duration> addressWait = addressFailures.tryAcquire(addressKey, now);
    if (addressWait.isPresent()) {
      Passwords.zero(password);
      return CompletableFuture.failedFuture(
          new RateLimitedException(
              ErrorCode.RATE_LIMITED,
              "too many failed logins from this address",
              addressWait.get()));
    }
    boolean plausible =
        User.validUsername(username) && password.length >= 1 && password.length <= MAX_PASSWORD;
    if (!plausible) {
      // The format rules are public, so rejecting without hashing reveals nothing.
      Passwords.zero(password);
      addressFailures.release(addressKey, now, true);
      return CompletableFuture.failedFuture(invalidCredentials());
    }
    String accountKey = User.normalizeUsername(username);
    Optional<Duration> accountWait = accountFailures.tryAcquire(accountKey, now);
    if (accountWait.isPresent()) {
      Passwords.zero(password);
      addressFailures.release(addressKey, now, false);
      return CompletableFuture.failedFuture(
          new RateLimitedException(
              ErrorCode.RATE_LIMITED,
              "too many failed logins for this account",
              accountWait.get()));
    }
    CompletableFuture<AuthResult> result;
    try {
      result = checkPassword(username, password);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete(
        (ok, error) -> {
          Passwords.zero(password);
          long end = clock.millis();
          if (error == null) {
            accountFailures.reset(accountKey);
            addressFailures.release(addressKey, end, false);
          } else {
            boolean wrongCredentials = isInvalidCredentials(error);
            accountFailures.release(accountKey, end, wrongCredentials);
            addressFailures.release(addressKey, end, wrongCredentials);
            if (wrongCredentials) {
              log.debug("failed login for a username from {}", remoteAddress);
            }
          }
        });
  }

  private CompletableFuture<AuthResult> checkPassword(String username, char[] password) {
    return userStore
        .findByUsername(username)
        .thenCompose(
            user -> {
              if (user.isEmpty()) {
                return verifyDummy(password).thenApply(ignored -> Optional.<User>empty());
              }
              return credentialStore
                  .find(user.get().id())
                  .thenCompose(
                      credentials -> {
                        if (credentials.isEmpty()) {
                          return verifyDummy(password).thenApply(ignored -> Optional.<User>empty());
                        }
                        return passwordHashing
                            .verify(password, credentials.get().passwordHash())
                            .thenApply(matches -> matches ? user : Optional.<User>empty());
                      });
            })
        .thenCompose(
            user -> {
              if (user.isEmpty()) {
                throw invalidCredentials();
              }
              return tokenIssuer
                  .issue(user.get().id())
                  .thenApply(token -> new AuthResult(user.get(), token));
            })
        .toCompletableFuture();
  }

  /** Spends the time of a real verification, so unknown users cannot be told apart by timing. */
  private CompletionStage<Boolean> verifyDummy(char[] password) {
    return dummyHash().thenCompose(hash -> passwordHashing.verify(password, hash));
  }

  private CompletionStage<String> dummyHash() {
    CompletableFuture<String> existing = dummyHash.get();
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    CompletableFuture<String> created = new CompletableFuture<>();
    if (!dummyHash.compareAndSet(existing, created)) {
      return Objects.requireNonNull(dummyHash.get());
    }
    char[] random = new char[24];
    SecureRandom rng = new SecureRandom();
    for (int i = 0; i < random.length; i++) {
      random[i] = (char) ('a' + rng.nextInt(26));
    }
    passwordHashing
        .hash(random)
        .whenComplete(
            (hash, error) -> {
              if (error != null) {
                created.completeExceptionally(error);
              } else {
                created.complete(hash);
              }
            });
    Passwords.zero(random);
    return created;
  }

  /**
   * Revokes every token of the user by raising their token generation. Fails with {@link
   * ErrorCode#NOT_FOUND} when the user has no credentials.
   */
  public CompletionStage<Void> logout(String userId) {
    Objects.requireNonNull(userId, "userId");
    return credentialStore.bumpTokenGeneration(userId).thenApply(generation -> null);
  }

  /**
   * Replaces the user's password after checking the old one, and revokes every token of the user
   * (the caller issues a new one for the current session if wanted). Fails with {@link
   * ErrorCode#INVALID_ARGUMENT} for a new password of the wrong length, {@link ErrorCode#FORBIDDEN}
   * when the old password is wrong (counted like a failed login of the account), {@link
   * ErrorCode#NOT_FOUND} for an unknown user, {@link ErrorCode#RATE_LIMITED} when the account is
   * locked out.
   */
  public CompletionStage<Void> changePassword(
      String userId, char[] oldPassword, char[] newPassword) {
    Objects.requireNonNull(oldPassword, "oldPassword");
    Objects.requireNonNull(newPassword, "newPassword");
    if (userId == null) {
      Passwords.zero(oldPassword);
      Passwords.zero(newPassword);
      Objects.requireNonNull(userId, "userId");
    }
    CompletableFuture<Void> result;
    try {
      checkPasswordLength("newPassword", newPassword);
      result =
          userStore
              .findById(userId)
              .thenCompose(
                  user -> {
                    if (user.isEmpty()) {
                      throw ChatException.notFound("userId: '" + echo(userId) + "' not found");
                    }
                    return changeAcquired(user.get(), oldPassword, newPassword);
                  })
              .toCompletableFuture();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete(
        (ok, error) -> {
          Passwords.zero(oldPassword);
          Passwords.zero(newPassword);
        });
  }

  private CompletionStage<Void> changeAcquired(User user, char[] oldPassword, char[] newPassword) {
    String accountKey = user.usernameKey();
    Optional<Duration> wait = accountFailures.tryAcquire(accountKey, clock.millis());
    if (wait.isPresent()) {
      throw new RateLimitedException(
          ErrorCode.RATE_LIMITED, "too many failed password checks for this account", wait.get());
    }
    CompletableFuture<Void> done =
        credentialStore
            .find(user.id())
            .thenCompose(
                credentials -> {
                  if (credentials.isEmpty()) {
                    throw ChatException.notFound("userId: '" + user.id() + "' has no credentials");
                  }
                  Credentials current = credentials.get();
                  return passwordHashing
                      .verify(oldPassword, current.passwordHash())
                      .thenCompose(
                          matches -> {
                            if (!matches) {
                              throw ChatException.forbidden("old password is incorrect");
                            }
                            return passwordHashing.hash(newPassword);
                          })
                      .thenCompose(
                          hash ->
                              credentialStore.save(
                                  new Credentials(user.id(), hash, current.tokenGeneration())))
                      .thenCompose(saved -> credentialStore.bumpTokenGeneration(user.id()))
                      .thenApply(generation -> (Void) null);
                })
            .toCompletableFuture();
    return done.whenComplete(
        (ok, error) -> {
          if (error == null) {
            accountFailures.reset(accountKey);
          } else {
            boolean wrong =
                unwrap(error) instanceof ChatException ce && ce.code() == ErrorCode.FORBIDDEN;
            accountFailures.release(accountKey, clock.millis(), wrong);
          }
        });
  }

  private void checkPasswordLength(String name, char[] password) {
    if (password.length < minPassword || password.length > MAX_PASSWORD) {
      throw ChatException.invalid(
          name
              + ": length "
              + password.length
              + " (expected: "
              + minPassword
              + ".."
              + MAX_PASSWORD
              + ")");
    }
  }

  private static ChatException invalidCredentials() {
    return new ChatException(ErrorCode.UNAUTHENTICATED, INVALID_CREDENTIALS);
  }

  private static boolean isInvalidCredentials(Throwable error) {
    return unwrap(error) instanceof ChatException ce
        && ce.code() == ErrorCode.UNAUTHENTICATED
        && INVALID_CREDENTIALS.equals(ce.getMessage());
  }

  private static ChatException conflict(String username) {
    return new ChatException(ErrorCode.CONFLICT, "username: '" + username + "' is taken");
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String echo(String input) {
    return input.length() <= MAX_ECHOED_INPUT
        ? input
        : input.substring(0, MAX_ECHOED_INPUT) + "...";
  }

  /** Shuts down the {@link PasswordHashing} if the service created it. Idempotent. */
  @Override
  public void close() {
    if (ownsPasswordHashing) {
      passwordHashing.close();
    }
  }

  /** Builds an {@link AccountService}. Not thread-safe. */
  public static final class Builder {
    private @Nullable UserStore userStore;
    private @Nullable CredentialStore credentialStore;
    private @Nullable TokenIssuer tokenIssuer;
    private @Nullable PasswordHashing passwordHashing;
    private Clock clock = Clock.systemUTC();
    private LoginThrottle loginThrottle = LoginThrottle.defaults();
    private int minPassword = DEFAULT_MIN_PASSWORD;
    private Supplier<String> idGenerator = () -> UUID.randomUUID().toString();

    private Builder() {}

    /** Sets the user store (required). */
    public Builder userStore(UserStore userStore) {
      this.userStore = Objects.requireNonNull(userStore, "userStore");
      return this;
    }

    /** Sets the credential store (required); give the same one to the issuer and authenticator. */
    public Builder credentialStore(CredentialStore credentialStore) {
      this.credentialStore = Objects.requireNonNull(credentialStore, "credentialStore");
      return this;
    }

    /** Sets the token issuer (required), e.g. a {@link JwtTokenIssuer}. */
    public Builder tokenIssuer(TokenIssuer tokenIssuer) {
      this.tokenIssuer = Objects.requireNonNull(tokenIssuer, "tokenIssuer");
      return this;
    }

    /**
     * Sets the hashing pool; not closed by {@link AccountService#close()}. Default: {@link
     * PasswordHashing#withDefaults()}, created and closed by the service.
     */
    public Builder passwordHashing(PasswordHashing passwordHashing) {
      this.passwordHashing = Objects.requireNonNull(passwordHashing, "passwordHashing");
      return this;
    }

    /** Sets the clock for creation times and throttling. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the throttling limits. Default: {@link LoginThrottle#defaults()}. */
    public Builder loginThrottle(LoginThrottle loginThrottle) {
      this.loginThrottle = Objects.requireNonNull(loginThrottle, "loginThrottle");
      return this;
    }

    /**
     * Sets the shortest password accepted at sign-up and password change. Default {@link
     * #DEFAULT_MIN_PASSWORD}.
     *
     * @throws IllegalArgumentException unless 1..{@value #MAX_PASSWORD}
     */
    public Builder minPasswordLength(int minPassword) {
      if (minPassword < 1 || minPassword > MAX_PASSWORD) {
        throw new IllegalArgumentException(
            "minPasswordLength: " + minPassword + " (expected: 1.." + MAX_PASSWORD + ")");
      }
      this.minPassword = minPassword;
      return this;
    }

    /**
     * Sets how new user ids are made; each call must return a fresh id of 1..128 characters.
     * Default: a random UUID string.
     */
    public Builder idGenerator(Supplier<String> idGenerator) {
      this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
      return this;
    }

    /**
     * Builds the service.
     *
     * @throws IllegalStateException if the user store, credential store or token issuer is missing
     */
    public AccountService build() {
      return new AccountService(this);
    }
  }
}
