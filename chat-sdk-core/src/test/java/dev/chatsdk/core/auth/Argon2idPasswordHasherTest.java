package dev.chatsdk.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Argon2idPasswordHasherTest {
  private static final Argon2idPasswordHasher OWASP = Argon2idPasswordHasher.withDefaults();
  private static final Argon2idPasswordHasher LIGHT =
      Argon2idPasswordHasher.builder().memoryKib(64).iterations(1).build();

  private static String owaspHash;

  @BeforeAll
  static void hashOnceAtFullStrength() {
    owaspHash = OWASP.hash("correct horse".toCharArray());
  }

  @Test
  void hashIsPhcEncodedWithOwaspParameters() {
    assertThat(owaspHash)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    String[] parts = owaspHash.split("\\$");
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
  }

  @Test
  void rightPasswordVerifiesAndWrongOneDoesNot() {
    assertThat(OWASP.verify("correct horse".toCharArray(), owaspHash)).isTrue();
    assertThat(OWASP.verify("correct horsf".toCharArray(), owaspHash)).isFalse();
  }

  @Test
  void samePasswordHashesDifferentlyEachTime() {
    char[] password = "s3cret-pass".toCharArray();

    String first = LIGHT.hash(password);
    String second = LIGHT.hash(password);

    assertThat(first).isNotEqualTo(second);
    assertThat(LIGHT.verify(password, first)).isTrue();
    assertThat(LIGHT.verify(password, second)).isTrue();
    assertThat(password).containsExactly("s3cret-pass".toCharArray());
  }

  @Test
  void verifyUsesTheParametersStoredInTheHash() {
    String light = LIGHT.hash("pässwörd✓".toCharArray());

    assertThat(light).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
    assertThat(OWASP.verify("pässwörd✓".toCharArray(), light)).isTrue();
    assertThat(OWASP.verify("passwort".toCharArray(), light)).isFalse();
  }

  @Test
  void needsRehashWhenParametersAreBelowTheHashers() {
    String light = LIGHT.hash("pw".toCharArray());

    assertThat(OWASP.needsRehash(light)).isTrue();
    assertThat(OWASP.needsRehash(owaspHash)).isFalse();
    assertThat(LIGHT.needsRehash(owaspHash)).isFalse();
    assertThat(OWASP.needsRehash("$2a$10$abcdefghijklmnopqrstuv")).isTrue();
  }

  @Test
  void malformedOrForeignHashIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () ->
                OWASP.verify(
                    "pw".toCharArray(),
                    "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("encodedHash: not an Argon2id PHC string")
        .hasMessageNotContaining("c2FsdHNhbHQ");
    assertThatThrownBy(
            () ->
                OWASP.verify(
                    "pw".toCharArray(),
                    "$argon2id$v=19$m=9999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                OWASP.verify(
                    "pw".toCharArray(), "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tamperedHashDoesNotVerify() {
    String light = LIGHT.hash("secret".toCharArray());
    String[] parts = light.split("\\$");
    byte[] hash = Base64.getDecoder().decode(parts[5]);
    hash[0] ^= 1;
    String tampered =
        light.substring(0, light.lastIndexOf('$') + 1)
            + Base64.getEncoder().withoutPadding().encodeToString(hash);

    assertThat(LIGHT.verify("secret".toCharArray(), tampered)).isFalse();
  }

  @Test
  void builderRefusesParametersOutOfRange() {
    assertThatThrownBy(() -> Argon2idPasswordHasher.builder().iterations(0))
        .hasMessage("iterations: 0 (expected: 1..64)");
    assertThatThrownBy(() -> Argon2idPasswordHasher.builder().memoryKib(16).parallelism(4).build())
        .hasMessageContaining("expected: at least 8 * parallelism = 32");
    assertThatThrownBy(() -> Argon2idPasswordHasher.builder().saltLength(4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
