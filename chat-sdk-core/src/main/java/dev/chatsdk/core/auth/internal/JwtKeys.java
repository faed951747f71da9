package dev.chatsdk.core.auth.internal;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;

/** Key checks shared by the JWT issuer and authenticator. */
public final class JwtKeys {
  /** The minimum RSA modulus length accepted for RS256, in bits. */
  public static final int MIN_RSA_BITS = 2048;

  private JwtKeys() {}

  /**
   * Checks that {@code key} is an RSA key of at least {@link #MIN_RSA_BITS} bits.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static <K extends Key> K checkRsa(K key, String name) {
    if (!(key instanceof RSAKey rsa)) {
      throw new IllegalArgumentException(
          name + ": " + key.getAlgorithm() + " key (expected: an RSA key)");
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          name + ": RSA key of " + bits + " bits (expected: at least " + MIN_RSA_BITS + ")");
    }
    return key;
  }

  /**
   * Checks that {@code key} is an EC key on a 256-bit curve (P-256 for ES256).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static <K extends Key> K checkEc256(K key, String name) {
    if (!(key instanceof ECKey ec)) {
      throw new IllegalArgumentException(
          name + ": " + key.getAlgorithm() + " key (expected: an EC key on P-256)");
    }
    int bits = ec.getParams().getCurve().getField().getFieldSize();
    if (bits != 256) {
      throw new IllegalArgumentException(
          name + ": EC key on a " + bits + "-bit curve (expected: P-256 for ES256)");
    }
    return key;
  }
}
