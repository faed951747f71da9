package dev.chatsdk.core.auth;

import dev.chatsdk.api.port.PasswordHasher;
import dev.chatsdk.core.auth.internal.Passwords;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id (RFC 9106, via Bouncy Castle) at OWASP's recommended minimum
 * parameters by default: {@value #DEFAULT_MEMORY_KIB} KiB of memory, {@value #DEFAULT_ITERATIONS}
 * iterations, parallelism {@value #DEFAULT_PARALLELISM}, a {@value #DEFAULT_SALT_LENGTH}-byte
 * random salt and a {@value #DEFAULT_HASH_LENGTH}-byte hash.
 *
 * <p>Hashes are encoded in the PHC string format, {@code
 * $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (Base64 without padding), so {@link #verify} reads
 * the parameters a hash was made with from the hash itself and {@link #needsRehash} can tell when
 * they are below this hasher's. Passwords are encoded as UTF-8.
 *
 * <p>Thread-safe and immutable. Each call costs tens of milliseconds of CPU and the configured
 * memory: run it on a bounded executor ({@link PasswordHashing}), never on an IO thread. The hasher
 * never keeps or logs a password; it zeroes its own copies and leaves the caller's array untouched.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {
  /** Memory cost in KiB: 19456 (19 MiB, OWASP). */
  public static final int DEFAULT_MEMORY_KIB = 19456;

  /** Time cost (passes over memory): 2 (OWASP). */
  public static final int DEFAULT_ITERATIONS = 2;

  /** Degree of parallelism (lanes): 1 (OWASP). */
  public static final int DEFAULT_PARALLELISM = 1;

  /** Salt length in bytes: 16. */
  public static final int DEFAULT_SALT_LENGTH = 16;

  /** Hash length in bytes: 32. */
  public static final int DEFAULT_HASH_LENGTH = 32;

  private static final String PREFIX = "$argon2id$v=19$";
  private static final int MAX_MEMORY_KIB = 1 << 20;
  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 64;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final int saltLength;
  private final int hashLength;

  private Argon2idPasswordHasher(Builder b) {
    if (b.memoryKib < 8 * b.parallelism) {
      throw new IllegalArgumentException(
          "memoryKib: "
              + b.memoryKib
              + " (expected: at least 8 * parallelism = "
              + 8 * b.parallelism
              + ")");
    }
    this.memoryKib = b.memoryKib;
    this.iterations = b.iterations;
    this.parallelism = b.parallelism;
    this.saltLength = b.saltLength;
    this.hashLength = b.hashLength;
  }

  /** Returns a builder preset to the {@code DEFAULT_*} parameters. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a hasher with the {@code DEFAULT_*} (OWASP) parameters. */
  public static Argon2idPasswordHasher withDefaults() {
    return builder().build();
  }

  /**
   * Hashes the password with a fresh random salt and returns the PHC-encoded result. The password
   * array is not modified.
   */
  @Override
  public String hash(char[] password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[saltLength];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, hashLength);
    String encoded =
        PREFIX
            + "m="
            + memoryKib
            + ",t="
            + iterations
            + ",p="
            + parallelism
            + "$"
            + B64.encodeToString(salt)
            + "$"
            + B64.encodeToString(hash);
    Passwords.zero(hash);
    return encoded;
  }

  /**
   * Whether the password matches the encoded hash, recomputed with the parameters and salt read
   * from it and compared in constant time. The password array is not modified.
   *
   * @throws IllegalArgumentException if {@code encodedHash} is not an Argon2id PHC string within
   *     sane bounds (the message never contains the hash)
   */
  @Override
  public boolean verify(char[] password, String encodedHash) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(encodedHash, "encodedHash");
    Encoded parsed =
        parse(encodedHash)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "encodedHash: not an Argon2id PHC string (expected: "
                            + PREFIX
                            + "m=..,t=..,p=..$<salt>$<hash>)"));
    byte[] actual =
        derive(
            password,
            parsed.salt(),
            parsed.memoryKib(),
            parsed.iterations(),
            parsed.parallelism(),
            parsed.hash().length);
    boolean matches = MessageDigest.isEqual(actual, parsed.hash());
    Passwords.zero(actual);
    return matches;
  }

  /**
   * Whether the encoded hash should be recomputed with this hasher's parameters: when it is not an
   * Argon2id PHC string, or its memory, iterations, parallelism, salt or hash length are below this
   * hasher's.
   */
  @Override
  public boolean needsRehash(String encodedHash) {
    Objects.requireNonNull(encodedHash, "encodedHash");
    return parse(encodedHash)
        .map(
            e ->
                e.memoryKib() < memoryKib
                    || e.iterations() < iterations
                    || e.parallelism() < parallelism
                    || e.salt().length < saltLength
                    || e.hash().length < hashLength)
        .orElse(true);
  }

  /** Memory cost in KiB. */
  public int memoryKib() {
    return memoryKib;
  }

  /** Time cost (iterations). */
  public int iterations() {
    return iterations;
  }

  /** Degree of parallelism. */
  public int parallelism() {
    return parallelism;
  }

  /** Salt length in bytes. */
  public int saltLength() {
    return saltLength;
  }

  /** Hash length in bytes. */
  public int hashLength() {
    return hashLength;
  }

  @Override
  public String toString() {
    return "Argon2idPasswordHasher[m="
        + memoryKib
        + ", t="
        + iterations
        + ", p="
        + parallelism
        + ", salt="
        + saltLength
        + ", hash="
        + hashLength
        + "]";
  }

  private static byte[] derive(
      char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] passwordBytes = Passwords.utf8(password);
    try {
      byte[] out = new byte[length];
      generator.generateBytes(passwordBytes, out);
      return out;
    } finally {
      Passwords.zero(passwordBytes);
      params.clear();
    }
  }

  private record Encoded(
      int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {}

  private static Optional<Encoded> parse(String encoded) {
    if (!encoded.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    String[] params = parts[0].split(",", -1);
    if (params.length != 3
        || !params[0].startsWith("m=")
        || !params[1].startsWith("t=")
        || !params[2].startsWith("p=")) {
      return Optional.empty();
    }
    try {
      int m = Integer.parseInt(params[0].substring(2));
      int t = Integer.parseInt(params[1].substring(2));
      int p = Integer.parseInt(params[2].substring(2));
      byte[] salt = B64_DECODER.decode(parts[1]);
      byte[] hash = B64_DECODER.decode(parts[2]);
      if (p < 1
          || p > MAX_PARALLELISM
          || m < 8 * p
          || m > MAX_MEMORY_KIB
          || t < 1
          || t > MAX_ITERATIONS
          || salt.length < 8
          || salt.length > 64
          || hash.length < 16
          || hash.length > 128) {
        return Optional.empty();
      }
      return Optional.of(new Encoded(m, t, p, salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Builds an {@link Argon2idPasswordHasher}. Not thread-safe. Lighter parameters than the defaults
   * are accepted (e.g. for tests) but weaken stored hashes.
   */
  public static final class Builder {
    private int memoryKib = DEFAULT_MEMORY_KIB;
    private int iterations = DEFAULT_ITERATIONS;
    private int parallelism = DEFAULT_PARALLELISM;
    private int saltLength = DEFAULT_SALT_LENGTH;
    private int hashLength = DEFAULT_HASH_LENGTH;

    private Builder() {}

    /**
     * Sets the memory cost in KiB. Default {@link #DEFAULT_MEMORY_KIB}.
     *
     * @throws IllegalArgumentException unless 8..1048576 (and at least 8 * parallelism at build)
     */
    public Builder memoryKib(int memoryKib) {
      this.memoryKib = range("memoryKib", memoryKib, 8, MAX_MEMORY_KIB);
      return this;
    }

    /**
     * Sets the time cost. Default {@link #DEFAULT_ITERATIONS}.
     *
     * @throws IllegalArgumentException unless 1..64
     */
    public Builder iterations(int iterations) {
      this.iterations = range("iterations", iterations, 1, MAX_ITERATIONS);
      return this;
    }

    /**
     * Sets the degree of parallelism. Default {@link #DEFAULT_PARALLELISM}.
     *
     * @throws IllegalArgumentException unless 1..64
     */
    public Builder parallelism(int parallelism) {
      this.parallelism = range("parallelism", parallelism, 1, MAX_PARALLELISM);
      return this;
    }

    /**
     * Sets the salt length in bytes. Default {@link #DEFAULT_SALT_LENGTH}.
     *
     * @throws IllegalArgumentException unless 8..64
     */
    public Builder saltLength(int saltLength) {
      this.saltLength = range("saltLength", saltLength, 8, 64);
      return this;
    }

    /**
     * Sets the hash length in bytes. Default {@link #DEFAULT_HASH_LENGTH}.
     *
     * @throws IllegalArgumentException unless 16..128
     */
    public Builder hashLength(int hashLength) {
      this.hashLength = range("hashLength", hashLength, 16, 128);
      return this;
    }

    /**
     * Builds the hasher.
     *
     * @throws IllegalArgumentException if memory is below 8 KiB per lane
     */
    public Argon2idPasswordHasher build() {
      return new Argon2idPasswordHasher(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + ": " + value + " (expected: " + min + ".." + max + ")");
      }
      return value;
    }
  }
}
