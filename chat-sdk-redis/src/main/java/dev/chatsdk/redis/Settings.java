package dev.chatsdk.redis;

import dev.chatsdk.api.ChatException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Validation of builder settings shared by the Redis adapters. */
final class Settings {
  static final int MAX_PREFIX_LENGTH = 64;
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
  static final int MAX_QUEUE_SIZE = 1_000_000;

  private Settings() {}

  static String required(@Nullable String redisUri) {
    if (redisUri == null) {
      throw ChatException.invalid("redisUri: missing (expected: e.g. redis://127.0.0.1:6379)");
    }
    return redisUri;
  }

  static String prefix(String prefix, String name) {
    Objects.requireNonNull(prefix, name);
    if (prefix.isEmpty() || prefix.length() > MAX_PREFIX_LENGTH) {
      throw ChatException.invalid(
          name + ": length " + prefix.length() + " (expected: 1.." + MAX_PREFIX_LENGTH + ")");
    }
    return prefix;
  }

  static Duration timeout(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0) {
      throw ChatException.invalid(name + ": " + value + " (expected: PT0S < value <= PT1M)");
    }
    return value;
  }

  static int queueSize(int value) {
    if (value < 1 || value > MAX_QUEUE_SIZE) {
      throw ChatException.invalid(
          "requestQueueSize: " + value + " (expected: 1.." + MAX_QUEUE_SIZE + ")");
    }
    return value;
  }
}
