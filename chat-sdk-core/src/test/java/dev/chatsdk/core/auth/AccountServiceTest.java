package dev.chatsdk.core.auth;

import static dev.chatsdk.core.auth.Async.await;
import static dev.chatsdk.core.auth.Async.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.PasswordHasher;
import dev.chatsdk.core.memory.InMemoryCredentialStore;
import dev.chatsdk.core.memory.InMemoryUserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AccountServiceTest {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private static final String ADDRESS = "203.0.113.7";

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryUserStore users = new InMemoryUserStore();
  private final InMemoryCredentialStore credentials = new InMemoryCredentialStore();
  private final JwtTokenIssuer issuer =
      JwtTokenIssuer.builder()
          .hmacSecret(JwtSecrets.generate())
          .credentialStore(credentials)
          .clock(clock)
          .build();
  private final JwtAuthenticator authenticator = issuer.authenticatorBuilder().build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private PasswordHashing lightHashing() {
    PasswordHashing hashing =
        PasswordHashing.builder()
            .hasher(Argon2idPasswordHasher.builder().memoryKib(64).iterations(1).build())
            .threads(2)
            .build();
    toClose.add(hashing);
    return hashing;
  }

  private AccountService service(LoginThrottle throttle) {
    return service(throttle, lightHashing());
  }

  private AccountService service(LoginThrottle throttle, PasswordHashing hashing) {
    AccountService service =
        AccountService.builder()
            .userStore(users)
            .credentialStore(credentials)
            .tokenIssuer(issuer)
            .passwordHashing(hashing)
            .clock(clock)
            .loginThrottle(throttle)
            .build();
    toClose.add(service);
    return service;
  }

  private AccountService service() {
    return service(LoginThrottle.defaults());
  }

  private static char[] pw(String text) {
    return text.toCharArray();
  }

  @Test
  void signupCreatesUserAndIssuesAWorkingToken() {
    AccountService accounts = service();
    char[] password = pw("correct horse");

    AuthResult result = await(accounts.signup("Alice", password, "  Alice A.  ", ADDRESS));

    assertThat(result.user().username()).isEqualTo("Alice");
    assertThat(result.user().displayName()).isEqualTo("Alice A.");
    assertThat(result.user().createdAt()).isEqualTo(START);
    assertThat(await(users.findByUsername("alice"))).contains(result.user());
    assertThat(await(credentials.find(result.user().id())).orElseThrow().passwordHash())
        .startsWith("$argon2id$");
    assertThat(await(authenticator.authenticate(result.token().token())).userId())
        .isEqualTo(result.user().id());
    assertThat(password).containsOnly('\0');
  }

  @Test
  void signupWithTakenUsernameInAnyCaseIsAConflict() {
    AccountService accounts = service();
    await(accounts.signup("Alice", pw("password1"), "Alice", ADDRESS));

    ChatException e =
        failure(accounts.signup("aLICE", pw("password2"), "Other", ADDRESS), ErrorCode.CONFLICT);

    assertThat(e.getMessage()).isEqualTo("username: 'aLICE' is taken");
    assertThat(await(users.search("", 10))).hasSize(1);
  }

  @Test
  void signupValidatesUsernamePasswordAndDisplayName() {
    AccountService accounts = service();
    char[] shortPassword = pw("short");

    assertThat(
            failure(
                    accounts.signup("a b", pw("password1"), "A", ADDRESS),
                    ErrorCode.INVALID_ARGUMENT)
                .getMessage())
        .isEqualTo("username: 'a b' (expected: 3..32 characters of A-Z a-z 0-9 _ . -)");
    assertThat(
            failure(
                    accounts.signup("bob", shortPassword, "Bob", ADDRESS),
                    ErrorCode.INVALID_ARGUMENT)
                .getMessage())
        .isEqualTo("password: length 5 (expected: 8..256)");
    assertThat(shortPassword).containsOnly('\0');
    failure(
        accounts.signup("bob", new char[AccountService.MAX_PASSWORD + 1], "Bob", ADDRESS),
        ErrorCode.INVALID_ARGUMENT);
    assertThat(
            failure(
                    accounts.signup("bob", pw("password1"), "   ", ADDRESS),
                    ErrorCode.INVALID_ARGUMENT)
                .getMessage())
        .isEqualTo("displayName: length 0 (expected: 1..64, not blank)");
    failure(
        accounts.signup("bob", pw("password1"), "x".repeat(65), ADDRESS),
        ErrorCode.INVALID_ARGUMENT);
    assertThat(await(users.search("", 10))).isEmpty();
  }

  @Test
  void loginWithRightPasswordIssuesTokenAndZeroesThePassword() {
    AccountService accounts = service();
    User alice = await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS)).user();
    char[] password = pw("correct horse");

    AuthResult result = await(accounts.login("ALICE", password, ADDRESS));

    assertThat(result.user()).isEqualTo(alice);
    assertThat(await(authenticator.authenticate(result.token().token())).userId())
        .isEqualTo(alice.id());
    assertThat(password).containsOnly('\0');
  }

  @Test
  void unknownUserAndWrongPasswordFailIdentically() {
    AccountService accounts = service();
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));
    char[] wrong = pw("wrong horse");

    ChatException wrongPassword =
        failure(accounts.login("alice", wrong, ADDRESS), ErrorCode.UNAUTHENTICATED);
    ChatException unknownUser =
        failure(accounts.login("mallory", pw("correct horse"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    ChatException malformedName =
        failure(accounts.login("no such user!", pw("x"), ADDRESS), ErrorCode.UNAUTHENTICATED);

    assertThat(wrongPassword.getMessage()).isEqualTo("invalid username or password");
    assertThat(unknownUser.getMessage()).isEqualTo(wrongPassword.getMessage());
    assertThat(malformedName.getMessage()).isEqualTo(wrongPassword.getMessage());
    assertThat(wrongPassword.getClass()).isEqualTo(unknownUser.getClass());
    assertThat(wrong).containsOnly('\0');
  }

  @Test
  void unknownUserIsCheckedAgainstADummyHash() {
    AtomicInteger verifications = new AtomicInteger();
    PasswordHasher light = Argon2idPasswordHasher.builder().memoryKib(64).iterations(1).build();
    PasswordHasher counting =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            return light.hash(password);
          }

          @Override
          public boolean verify(char[] password, String encodedHash) {
            verifications.incrementAndGet();
            return light.verify(password, encodedHash);
          }
        };
    PasswordHashing hashing = PasswordHashing.builder().hasher(counting).threads(1).build();
    toClose.add(hashing);
    AccountService accounts = service(LoginThrottle.defaults(), hashing);

    failure(accounts.login("ghost", pw("whatever1"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    failure(accounts.login("ghost", pw("whatever2"), ADDRESS), ErrorCode.UNAUTHENTICATED);

    assertThat(verifications.get()).isEqualTo(2);
  }

  @Test
  void logoutRevokesEveryTokenOfTheUser() {
    AccountService accounts = service();
    AuthResult signup = await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));
    AuthResult login = await(accounts.login("alice", pw("correct horse"), ADDRESS));

    await(accounts.logout(signup.user().id()));

    failure(authenticator.authenticate(signup.token().token()), ErrorCode.UNAUTHENTICATED);
    failure(authenticator.authenticate(login.token().token()), ErrorCode.UNAUTHENTICATED);
    AuthResult again = await(accounts.login("alice", pw("correct horse"), ADDRESS));
    assertThat(await(authenticator.authenticate(again.token().token())).userId())
        .isEqualTo(signup.user().id());
    failure(accounts.logout("nobody"), ErrorCode.NOT_FOUND);
  }

  @Test
  void changePasswordChecksTheOldOneSwitchesAndRevokesTokens() {
    AccountService accounts = service();
    AuthResult alice = await(accounts.signup("alice", pw("old password"), "Alice", ADDRESS));
    String userId = alice.user().id();
    char[] wrongOld = pw("not the old one");
    char[] unusedNew = pw("new password");

    assertThat(
            failure(accounts.changePassword(userId, wrongOld, unusedNew), ErrorCode.FORBIDDEN)
                .getMessage())
        .isEqualTo("old password is incorrect");
    assertThat(wrongOld).containsOnly('\0');
    assertThat(unusedNew).containsOnly('\0');
    failure(
        accounts.changePassword(userId, pw("old password"), pw("short")),
        ErrorCode.INVALID_ARGUMENT);
    await(authenticator.authenticate(alice.token().token()));

    await(accounts.changePassword(userId, pw("old password"), pw("new password")));

    failure(authenticator.authenticate(alice.token().token()), ErrorCode.UNAUTHENTICATED);
    failure(accounts.login("alice", pw("old password"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    assertThat(await(accounts.login("alice", pw("new password"), ADDRESS)).user().id())
        .isEqualTo(userId);
    failure(
        accounts.changePassword("nobody", pw("a password"), pw("b password")), ErrorCode.NOT_FOUND);
  }

  @Test
  void accountIsLockedOutAfterFiveFailuresWithGrowingLockout() {
    AccountService accounts = service();
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));
    for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT; i++) {
      failure(accounts.login("alice", pw("guess " + i), ADDRESS), ErrorCode.UNAUTHENTICATED);
    }

    RateLimitedException locked =
        (RateLimitedException)
            failure(accounts.login("Alice", pw("correct horse"), ADDRESS), ErrorCode.RATE_LIMITED);
    assertThat(locked.retryAfter()).isEqualTo(LoginThrottle.DEFAULT_INITIAL_LOCKOUT);
    assertThat(locked.retryable()).isTrue();

    clock.advance(LoginThrottle.DEFAULT_INITIAL_LOCKOUT.plusSeconds(1));
    failure(accounts.login("alice", pw("guess again"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    RateLimitedException lockedLonger =
        (RateLimitedException)
            failure(accounts.login("alice", pw("correct horse"), ADDRESS), ErrorCode.RATE_LIMITED);
    assertThat(lockedLonger.retryAfter())
        .isEqualTo(LoginThrottle.DEFAULT_INITIAL_LOCKOUT.multipliedBy(2));

    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(await(accounts.login("alice", pw("correct horse"), ADDRESS)).user().username())
        .isEqualTo("alice");
    for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT - 1; i++) {
      failure(accounts.login("alice", pw("guess " + i), ADDRESS), ErrorCode.UNAUTHENTICATED);
    }
    assertThat(await(accounts.login("alice", pw("correct horse"), ADDRESS)).user().username())
        .isEqualTo("alice");
  }

  @Test
  void failuresAreForgottenAfterTheWindow() {
    AccountService accounts = service();
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));
    for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT - 1; i++) {
      failure(accounts.login("alice", pw("guess " + i), ADDRESS), ErrorCode.UNAUTHENTICATED);
    }
    clock.advance(LoginThrottle.DEFAULT_WINDOW.plusSeconds(1));

    for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT - 1; i++) {
      failure(accounts.login("alice", pw("guess " + i), ADDRESS), ErrorCode.UNAUTHENTICATED);
    }
    assertThat(await(accounts.login("alice", pw("correct horse"), ADDRESS)).user().username())
        .isEqualTo("alice");
  }

  @Test
  void addressIsLockedOutAfterFailuresAcrossManyAccounts() {
    AccountService accounts = service(LoginThrottle.builder().maxFailuresPerAddress(3).build());
    await(accounts.signup("alice", pw("correct horse"), "Alice", "198.51.100.1"));
    for (int i = 0; i < 3; i++) {
      failure(accounts.login("user" + i, pw("password"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    }

    RateLimitedException locked =
        (RateLimitedException)
            failure(accounts.login("alice", pw("correct horse"), ADDRESS), ErrorCode.RATE_LIMITED);

    assertThat(locked.getMessage()).isEqualTo("too many failed logins from this address");
    assertThat(locked.retryAfter()).isEqualTo(LoginThrottle.DEFAULT_INITIAL_LOCKOUT);
    assertThat(
            await(accounts.login("alice", pw("correct horse"), "198.51.100.1")).user().username())
        .isEqualTo("alice");
  }

  @Test
  void ipv6AddressesOfOneSlash64ShareTheirBudget() {
    AccountService accounts = service(LoginThrottle.builder().maxFailuresPerAddress(2).build());
    failure(accounts.login("user1", pw("password"), "2001:db8:1:2::1"), ErrorCode.UNAUTHENTICATED);
    failure(
        accounts.login("user2", pw("password"), "2001:db8:1:2:ffff::9"), ErrorCode.UNAUTHENTICATED);

    failure(accounts.login("user3", pw("password"), "[2001:db8:1:2::77]"), ErrorCode.RATE_LIMITED);
    failure(accounts.login("user3", pw("password"), "2001:db8:1:3::1"), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void successfulLoginsDoNotCountAgainstTheAddress() {
    AccountService accounts = service(LoginThrottle.builder().maxFailuresPerAddress(2).build());
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));

    for (int i = 0; i < 5; i++) {
      await(accounts.login("alice", pw("correct horse"), ADDRESS));
    }
    failure(accounts.login("alice", pw("wrong"), ADDRESS), ErrorCode.UNAUTHENTICATED);
    assertThat(await(accounts.login("alice", pw("correct horse"), ADDRESS)).user().username())
        .isEqualTo("alice");
  }

  @Test
  void concurrentGuessesCannotExceedTheAccountBudget() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    PasswordHasher light = Argon2idPasswordHasher.builder().memoryKib(64).iterations(1).build();
    PasswordHasher gated =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            return light.hash(password);
          }

          @Override
          public boolean verify(char[] password, String encodedHash) {
            started.incrementAndGet();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return light.verify(password, encodedHash);
          }
        };
    PasswordHashing hashing =
        PasswordHashing.builder().hasher(gated).threads(8).queueCapacity(64).build();
    toClose.add(hashing);
    AccountService accounts = service(LoginThrottle.defaults(), hashing);
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));

    List<CompletionStage<AuthResult>> inFlight = new ArrayList<>();
    for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT; i++) {
      inFlight.add(accounts.login("alice", pw("guess " + i), ADDRESS));
    }
    ChatException refused =
        failure(accounts.login("alice", pw("guess 99"), ADDRESS), ErrorCode.RATE_LIMITED);
    release.countDown();

    assertThat(refused.getMessage()).isEqualTo("too many failed logins for this account");
    for (CompletionStage<AuthResult> attempt : inFlight) {
      failure(attempt, ErrorCode.UNAUTHENTICATED);
    }
    assertThat(started.get()).isEqualTo(LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT);
    failure(accounts.login("alice", pw("correct horse"), ADDRESS), ErrorCode.RATE_LIMITED);
  }

  @Test
  void signupsPerAddressAreThrottled() {
    AccountService accounts = service(LoginThrottle.builder().maxSignupsPerAddress(2).build());
    await(accounts.signup("user1", pw("password1"), "One", ADDRESS));
    await(accounts.signup("user2", pw("password2"), "Two", ADDRESS));

    failure(accounts.signup("user3", pw("password3"), "Three", ADDRESS), ErrorCode.RATE_LIMITED);
    assertThat(
            await(accounts.signup("user3", pw("password3"), "Three", "198.51.100.9"))
                .user()
                .username())
        .isEqualTo("user3");
  }

  @Test
  void saturatedHashingAnswersRateLimitedWithoutCountingAFailure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    PasswordHasher light = Argon2idPasswordHasher.builder().memoryKib(64).iterations(1).build();
    PasswordHasher slow =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            if (new String(password).equals("block me!")) {
              blocking.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return light.hash(password);
          }

          @Override
          public boolean verify(char[] password, String encodedHash) {
            return light.verify(password, encodedHash);
          }
        };
    PasswordHashing hashing =
        PasswordHashing.builder().hasher(slow).threads(1).queueCapacity(1).build();
    toClose.add(hashing);
    AccountService accounts =
        service(LoginThrottle.builder().maxFailuresPerAccount(1).build(), hashing);
    await(accounts.signup("alice", pw("correct horse"), "Alice", ADDRESS));

    CompletionStage<AuthResult> blocker = accounts.signup("bob", pw("block me!"), "Bob", ADDRESS);
    assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
    CompletionStage<AuthResult> queued = accounts.signup("carol", pw("password"), "Carol", ADDRESS);
    failure(accounts.login("alice", pw("correct horse"), ADDRESS), ErrorCode.RATE_LIMITED);
    release.countDown();
    await(blocker);
    await(queued);

    assertThat(await(accounts.login("alice", pw("correct horse"), ADDRESS)).user().username())
        .isEqualTo("alice");
  }
}
