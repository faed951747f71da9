package dev.chatsdk.core.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on password guessing and sign-up floods, applied by {@link AccountService}. Immutable and
 * thread-safe; the counters themselves live in the service.
 *
 * <p>Failed logins are counted per account (the case-insensitive username, whether or not it
 * exists) and per remote address (an IPv6 address by its /64 prefix) within a sliding {@link
 * #window()}. When a key reaches its limit it is locked out for {@link #initialLockout()}; each
 * further failure after a lockout doubles the next one, up to {@link #maxLockout()}. A locked-out
 * login fails fast with a {@link dev.chatsdk.api.RateLimitedException} carrying the remaining time,
 * without checking the password. A successful login clears its account's failures (not its
 * address's). Sign-ups are counted per address the same way. At most {@link #maxTrackedKeys()} keys
 * per kind are remembered.
 */
public final class LoginThrottle {
  /** How long a failure counts: 15 minutes. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

  /** Failed logins per account in a window before a lockout: 5. */
  public static final int DEFAULT_MAX_FAILURES_PER_ACCOUNT = 5;

  /** Failed logins per remote address in a window before a lockout: 30. */
  public static final int DEFAULT_MAX_FAILURES_PER_ADDRESS = 30;

  /** Sign-ups per remote address in a window before a lockout: 50. */
  public static final int DEFAULT_MAX_SIGNUPS_PER_ADDRESS = 50;

  /** The first lockout's length: 1 minute. */
  public static final Duration DEFAULT_INITIAL_LOCKOUT = Duration.ofMinutes(1);

  /** The longest lockout: 15 minutes. */
  public static final Duration DEFAULT_MAX_LOCKOUT = Duration.ofMinutes(15);

  /** Keys (accounts, addresses) remembered per kind; least recently used are dropped: 100000. */
  public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

  private static final LoginThrottle DEFAULTS = builder().build();

  private final Duration window;
  private final int maxFailuresPerAccount;
  private final int maxFailuresPerAddress;
  private final int maxSignupsPerAddress;
  private final Duration initialLockout;
  private final Duration maxLockout;
  private final int maxTrackedKeys;

  private LoginThrottle(Builder b) {
    if (b.maxLockout.compareTo(b.initialLockout) < 0) {
      throw new IllegalArgumentException(
          "maxLockout: "
              + b.maxLockout
              + " (expected: at least initialLockout "
              + b.initialLockout
              + ")");
    }
    this.window = b.window;
    this.maxFailuresPerAccount = b.maxFailuresPerAccount;
    this.maxFailuresPerAddress = b.maxFailuresPerAddress;
    this.maxSignupsPerAddress = b.maxSignupsPerAddress;
    this.initialLockout = b.initialLockout;
    this.maxLockout = b.maxLockout;
    this.maxTrackedKeys = b.maxTrackedKeys;
  }

  /** The settings with every {@code DEFAULT_*} value. */
  public static LoginThrottle defaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset to the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** How long a failure counts. */
  public Duration window() {
    return window;
  }

  /** Failed logins per account in a window before a lockout. */
  public int maxFailuresPerAccount() {
    return maxFailuresPerAccount;
  }

  /** Failed logins per remote address in a window before a lockout. */
  public int maxFailuresPerAddress() {
    return maxFailuresPerAddress;
  }

  /** Sign-ups per remote address in a window before a lockout. */
  public int maxSignupsPerAddress() {
    return maxSignupsPerAddress;
  }

  /** The first lockout's length. */
  public Duration initialLockout() {
    return initialLockout;
  }

  /** The longest lockout. */
  public Duration maxLockout() {
    return maxLockout;
  }

  /** Keys remembered per kind. */
  public int maxTrackedKeys() {
    return maxTrackedKeys;
  }

  @Override
  public String toString() {
    return "LoginThrottle[window="
        + window
        + ", maxFailuresPerAccount="
        + maxFailuresPerAccount
        + ", maxFailuresPerAddress="
        + maxFailuresPerAddress
        + ", maxSignupsPerAddress="
        + maxSignupsPerAddress
        + ", initialLockout="
        + initialLockout
        + ", maxLockout="
        + maxLockout
        + ", maxTrackedKeys="
        + maxTrackedKeys
        + "]";
  }

  /** Builds {@link LoginThrottle} settings. Not thread-safe. */
  public static final class Builder {
    private Duration window = DEFAULT_WINDOW;
    private int maxFailuresPerAccount = DEFAULT_MAX_FAILURES_PER_ACCOUNT;
    private int maxFailuresPerAddress = DEFAULT_MAX_FAILURES_PER_ADDRESS;
    private int maxSignupsPerAddress = DEFAULT_MAX_SIGNUPS_PER_ADDRESS;
    private Duration initialLockout = DEFAULT_INITIAL_LOCKOUT;
    private Duration maxLockout = DEFAULT_MAX_LOCKOUT;
    private int maxTrackedKeys = DEFAULT_MAX_TRACKED_KEYS;

    private Builder() {}

    /**
     * Sets how long a failure counts. Default {@link #DEFAULT_WINDOW}.
     *
     * @throws IllegalArgumentException unless 1 second..1 day
     */
    public Builder window(Duration window) {
      this.window = duration("window", window);
      return this;
    }

    /**
     * Sets failed logins per account before a lockout. Default {@link
     * #DEFAULT_MAX_FAILURES_PER_ACCOUNT}.
     *
     * @throws IllegalArgumentException unless 1..1000000
     */
    public Builder maxFailuresPerAccount(int max) {
      this.maxFailuresPerAccount = count("maxFailuresPerAccount", max);
      return this;
    }

    /**
     * Sets failed logins per address before a lockout. Default {@link
     * #DEFAULT_MAX_FAILURES_PER_ADDRESS}.
     *
     * @throws IllegalArgumentException unless 1..1000000
     */
    public Builder maxFailuresPerAddress(int max) {
      this.maxFailuresPerAddress = count("maxFailuresPerAddress", max);
      return this;
    }

    /**
     * Sets sign-ups per address before a lockout (raise it for load tests that sign up many users
     * from one host). Default {@link #DEFAULT_MAX_SIGNUPS_PER_ADDRESS}.
     *
     * @throws IllegalArgumentException unless 1..1000000
     */
    public Builder maxSignupsPerAddress(int max) {
      this.maxSignupsPerAddress = count("maxSignupsPerAddress", max);
      return this;
    }

    /**
     * Sets the first lockout's length. Default {@link #DEFAULT_INITIAL_LOCKOUT}.
     *
     * @throws IllegalArgumentException unless 1 second..1 day
     */
    public Builder initialLockout(Duration initialLockout) {
      this.initialLockout = duration("initialLockout", initialLockout);
      return this;
    }

    /**
     * Sets the longest lockout. Default {@link #DEFAULT_MAX_LOCKOUT}.
     *
     * @throws IllegalArgumentException unless 1 second..1 day (and not below the initial lockout,
     *     checked at build)
     */
    public Builder maxLockout(Duration maxLockout) {
      this.maxLockout = duration("maxLockout", maxLockout);
      return this;
    }

    /**
     * Sets how many keys per kind are remembered. Default {@link #DEFAULT_MAX_TRACKED_KEYS}.
     *
     * @throws IllegalArgumentException unless 1..10000000
     */
    public Builder maxTrackedKeys(int maxTrackedKeys) {
      if (maxTrackedKeys < 1 || maxTrackedKeys > 10_000_000) {
        throw new IllegalArgumentException(
            "maxTrackedKeys: " + maxTrackedKeys + " (expected: 1..10000000)");
      }
      this.maxTrackedKeys = maxTrackedKeys;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException if the maximum lockout is below the initial one
     */
    public LoginThrottle build() {
      return new LoginThrottle(this);
    }

    private static Duration duration(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: 1 second..1 day)");
      }
      return value;
    }

    private static int count(String name, int value) {
      if (value < 1 || value > 1_000_000) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: 1..1000000)");
      }
      return value;
    }
  }
}
