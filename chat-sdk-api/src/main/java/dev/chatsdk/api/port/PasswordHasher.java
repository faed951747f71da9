package dev.chatsdk.api.port;

/**
 * Hashes and verifies passwords. CPU- and memory-heavy by design: callers run it on a bounded
 * executor, never on an IO thread. Thread-safe.
 */
public interface PasswordHasher {
  /** Hashes a password into a self-describing encoded string (algorithm, parameters, salt). */
  String hash(char[] password);

  /** Whether {@code password} matches {@code encodedHash}, compared in constant time. */
  boolean verify(char[] password, String encodedHash);

  /** Whether a stored hash uses weaker parameters than this hasher's and should be redone. */
  default boolean needsRehash(String encodedHash) {
    return false;
  }
}
