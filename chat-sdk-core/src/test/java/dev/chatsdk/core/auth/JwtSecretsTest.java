package dev.chatsdk.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class JwtSecretsTest {

  @Test
  void generatedSecretsAreLongEnoughAndDistinct() {
    byte[] a = JwtSecrets.generate();
    byte[] b = JwtSecrets.generate();

    assertThat(a).hasSize(JwtSecrets.DEFAULT_LENGTH);
    assertThat(a).isNotEqualTo(b);
    assertThat(JwtTokenIssuer.builder().hmacSecret(a).build().algorithm()).isEqualTo("HS256");
  }

  @Test
  void base64InEitherAlphabetAndHexRoundTrip() {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (i * 37 - 100);
    }

    assertThat(JwtSecrets.fromBase64(JwtSecrets.toBase64(secret))).isEqualTo(secret);
    assertThat(
            JwtSecrets.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(secret)))
        .isEqualTo(secret);
    assertThat(JwtSecrets.fromBase64("  " + JwtSecrets.toBase64(secret) + "\n")).isEqualTo(secret);
    assertThat(JwtSecrets.fromHex(HexFormat.of().withUpperCase().formatHex(secret)))
        .isEqualTo(secret);
  }

  @Test
  void malformedTextIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> JwtSecrets.fromBase64("s3cr3t!*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> JwtSecrets.fromHex("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "secret: not hex text of length 3 (expected: an even number of 0-9 a-f characters)");
  }
}
