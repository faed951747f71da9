package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartTest {
  private static final String BOUNDARY = "----x7MA4YWxkTrZu0gW";

  static byte[] body(String boundary, byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n"
            + "Content-Type: image/png\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void extractsTheFilePartByteForByte() {
    byte[] file = {1, 2, 3, '\r', '\n', '-', '-', 4, 5};
    byte[] extracted = Multipart.filePart(body(BOUNDARY, file), BOUNDARY);
    assertThat(extracted).containsExactly(file);
  }

  @Test
  void readsTheBoundaryFromTheContentType() {
    assertThat(Multipart.boundary("multipart/form-data; boundary=\"abc\"")).contains("abc");
    assertThat(Multipart.boundary("multipart/form-data; charset=utf-8; boundary=xyz"))
        .contains("xyz");
    assertThat(Multipart.boundary("image/png")).isEmpty();
  }

  @Test
  void missingBoundaryIsMalformed() {
    assertThatThrownBy(() -> Multipart.boundary("multipart/form-data"))
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("boundary");
  }

  @Test
  void bodyWithoutAFilePartIsMalformed() {
    byte[] body =
        ("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Multipart.filePart(body, "b"))
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("no file part");
  }

  @Test
  void unterminatedPartIsMalformed() {
    byte[] body =
        ("--b\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a\"\r\n\r\nxyz")
            .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Multipart.filePart(body, "b")).isInstanceOf(ChatException.class);
  }
}
