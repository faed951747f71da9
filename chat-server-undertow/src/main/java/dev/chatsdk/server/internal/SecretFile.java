package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The JWT secret generated on first start and kept in {@code <dataDir>/jwt-secret}: 32 random
 * bytes, base64url, created with permissions {@code rw-------} (on POSIX file systems) and reused
 * on every later start so tokens survive restarts.
 */
public final class SecretFile {
  /** The file's name inside the data directory. */
  public static final String FILE_NAME = "jwt-secret";

  private static final int BYTES = 32;

  private SecretFile() {}

  /**
   * Reads the secret, creating it first if it does not exist.
   *
   * @throws ChatException {@code INTERNAL} when the file cannot be read or written, {@code
   *     INVALID_ARGUMENT} when it holds fewer than 32 bytes
   */
  public static byte[] loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        create(file);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw ChatException.invalid(file + ": not base64url (delete it to generate a new secret)");
      }
      if (secret.length < BYTES) {
        throw ChatException.invalid(
            file + ": " + secret.length + " bytes (expected: at least " + BYTES + ")");
      }
      return secret;
    } catch (IOException e) {
      throw new ChatException(
          ErrorCode.INTERNAL,
          file + ": cannot read or create the JWT secret (" + e.getMessage() + ")",
          e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] secret = new byte[BYTES];
    new SecureRandom().nextBytes(secret);
    byte[] text =
        (Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      return; // another process created it first; use theirs
    }
    Files.write(file, text, StandardOpenOption.TRUNCATE_EXISTING);
    if (posix) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
