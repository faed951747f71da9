package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

  @Test
  void generatedOnceWithOwnerOnlyPermissionsAndReused(@TempDir Path dir) throws Exception {
    byte[] first = SecretFile.loadOrCreate(dir);
    assertThat(first).hasSize(32);
    Path file = dir.resolve(SecretFile.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    byte[] second = SecretFile.loadOrCreate(dir);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void differentDirectoriesGetDifferentSecrets(@TempDir Path a, @TempDir Path b) {
    assertThat(SecretFile.loadOrCreate(a)).isNotEqualTo(SecretFile.loadOrCreate(b));
  }
}
