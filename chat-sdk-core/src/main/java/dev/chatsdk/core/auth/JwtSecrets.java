package dev.chatsdk.core.auth;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.jose4j.keys.HmacKey;

/**
 * Creates and parses HMAC secrets for {@link JwtTokenIssuer} and {@link JwtAuthenticator}.
 * Stateless and thread-safe. Error messages never contain the secret text.
 */
public final class JwtSecrets {
  /** Length in bytes of a secret made by {@link #generate()}: 32 bytes (256 bits). */
  public static final int DEFAULT_LENGTH = 32;

  /** The minimum length in bytes of an HS256 secret: 32 bytes (256 bits, RFC 7518 3.2). */
  public static final int MIN_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private JwtSecrets() {}

  /** Returns {@link #DEFAULT_LENGTH} fresh random bytes from a {@link SecureRandom}. */
  public static byte[] generate() {
    byte[] secret = new byte[DEFAULT_LENGTH];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /**
   * Decodes a secret written as Base64 text, standard or URL-safe alphabet, padded or not.
   * Surrounding whitespace is ignored.
   *
   * @throws IllegalArgumentException if the text is not Base64 (the message omits the text)
   */
  public static byte[] fromBase64(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    try {
      if (trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0) {
        return Base64.getUrlDecoder().decode(trimmed);
      }
      return Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "secret: not Base64 text of length " + trimmed.length() + " (expected: Base64)");
    }
  }

  /**
   * Decodes a secret written as hexadecimal text (upper or lower case). Surrounding whitespace is
   * ignored.
   *
   * @throws IllegalArgumentException if the text is not hexadecimal (the message omits the text)
   */
  public static byte[] fromHex(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    try {
      return HexFormat.of().parseHex(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "secret: not hex text of length "
              + trimmed.length()
              + " (expected: an even number of 0-9 a-f characters)");
    }
  }

  /** Encodes a secret as standard Base64 text, e.g. to print a generated one for configuration. */
  public static String toBase64(byte[] secret) {
    return Base64.getEncoder().encodeToString(Objects.requireNonNull(secret, "secret"));
  }

  /**
   * Checks that an HS256 secret has at least {@link #MIN_LENGTH} bytes.
   *
   * @throws IllegalArgumentException naming the length found and the expectation
   */
  static byte[] checkHmacSecret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "secret: "
              + secret.length * 8
              + " bits (expected: at least "
              + MIN_LENGTH * 8
              + " bits for HS256)");
    }
    return secret.clone();
  }

  /**
   * Checks an HS256 secret as {@link #checkHmacSecret} does and returns it as a key; the working
   * copy is wiped afterwards.
   *
   * @throws IllegalArgumentException naming the length found and the expectation
   */
  static HmacKey hmacKey(byte[] secret) {
    byte[] copy = checkHmacSecret(secret);
    HmacKey key = new HmacKey(copy);
    Arrays.fill(copy, (byte) 0);
    return key;
  }
}
