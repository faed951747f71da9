package dev.chatsdk.core.memory;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Generates time-ordered random ids: 26 characters of Crockford base32, 48 bits of milliseconds
 * since the epoch followed by 80 random bits. Ids sort roughly by creation time and cannot be
 * guessed. Thread-safe.
 */
final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  /** One generator per thread, so id generation never contends on a shared lock. */
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::newRandom);

  private Ids() {}

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** A new id. */
  static String next() {
    byte[] random = new byte[10];
    RANDOM.get().nextBytes(random);
    char[] out = new char[26];
    long time = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits as 16 base32 characters: two 40-bit halves of 8 characters each.
    for (int half = 0; half < 2; half++) {
      long bits = 0;
      for (int b = 0; b < 5; b++) {
        bits = (bits << 8) | (random[half * 5 + b] & 0xFF);
      }
      for (int i = 7; i >= 0; i--) {
        out[10 + half * 8 + i] = ALPHABET[(int) (bits & 31)];
        bits >>>= 5;
      }
    }
    return new String(out);
  }
}
