package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class AvatarImagesTest {

  @Test
  void largeJpegIsScaledToAtMost512AndStaysJpeg() throws Exception {
    AvatarImages.Avatar a = AvatarImages.process(TestImages.image(2000, 1000, "jpeg"));
    assertThat(a.contentType()).isEqualTo("image/jpeg");
    assertThat(a.width()).isEqualTo(512);
    assertThat(a.height()).isEqualTo(256);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(a.bytes()));
    assertThat(decoded.getWidth()).isEqualTo(512);
    assertThat(decoded.getHeight()).isEqualTo(256);
  }

  @Test
  void pngKeepsTransparencyAndSmallImagesKeepTheirSize() throws Exception {
    AvatarImages.Avatar a = AvatarImages.process(TestImages.image(100, 80, "png"));
    assertThat(a.contentType()).isEqualTo("image/png");
    assertThat(a.width()).isEqualTo(100);
    assertThat(a.height()).isEqualTo(80);
    assertThat(ImageIO.read(new ByteArrayInputStream(a.bytes())).getColorModel().hasAlpha())
        .isTrue();
  }

  @Test
  void gifIsReencodedAsPng() {
    AvatarImages.Avatar a = AvatarImages.process(TestImages.image(64, 64, "gif"));
    assertThat(a.contentType()).isEqualTo("image/png");
    assertThat(AvatarImages.sniff(a.bytes())).isEqualTo("image/png");
  }

  @Test
  void metadataAndTrailingBytesAreStripped() {
    byte[] upload = TestImages.jpegWithMetadata(300, 300, "SECRET-GPS-12.34");
    assertThat(new String(upload, StandardCharsets.ISO_8859_1)).contains("SECRET-GPS-12.34");
    AvatarImages.Avatar a = AvatarImages.process(upload);
    String out = new String(a.bytes(), StandardCharsets.ISO_8859_1);
    assertThat(out).doesNotContain("SECRET-GPS").doesNotContain("<script>").doesNotContain("Exif");
  }

  @Test
  void hugeDimensionsAreRefusedFromTheHeaderWithoutDecoding() {
    byte[] bomb = TestImages.pngHeaderClaiming(50_000, 50_000);
    assertThat(bomb.length).isLessThan(100);
    long before = usedMemory();
    assertThatThrownBy(() -> AvatarImages.process(bomb))
        .isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.TOO_LARGE))
        .hasMessageContaining("50000x50000");
    // decoding would need 10 GB; refusing must not have allocated anything close to that
    assertThat(usedMemory() - before).isLessThan(256L * 1024 * 1024);
  }

  @Test
  void textPretendingToBeAnImageIsUnsupported() {
    assertThatThrownBy(
            () -> AvatarImages.process("<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ChatException.class)
        .satisfies(
            e ->
                assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void truncatedPngIsUnsupported() {
    byte[] png = TestImages.image(200, 200, "png");
    byte[] truncated = java.util.Arrays.copyOf(png, 60);
    assertThatThrownBy(() -> AvatarImages.process(truncated))
        .isInstanceOf(ChatException.class)
        .satisfies(
            e ->
                assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void webpIsRecognisedButUnsupported() {
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> AvatarImages.sniff(webp)).hasMessageContaining("WebP");
  }

  @Test
  void oversizedUploadIsTooLarge() {
    byte[] big = new byte[AvatarImages.MAX_UPLOAD_BYTES + 1];
    assertThatThrownBy(() -> AvatarImages.process(big))
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.TOO_LARGE));
  }

  private static long usedMemory() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
