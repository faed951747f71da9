package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ReadCappedTest {

  @Test
  void aBodyWithinTheCapIsReadWhole() throws IOException {
    byte[] body = new byte[20_000];
    body[19_999] = 7;
    assertThat(RestApi.readCapped(new ByteArrayInputStream(body), 20_000)).isEqualTo(body);
  }

  @Test
  void aBodyOverTheCapIsReadToItsEndBeforeItFails() {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[3_000_000]);
    assertThatThrownBy(() -> RestApi.readCapped(in, 1_000_000))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    assertThat(in.available()).as("bytes left unread on the connection").isZero();
  }

  @Test
  void aBodyCutOffWhileDroppedStillFailsAsTooLarge() {
    InputStream cut =
        new InputStream() {
          private int sent;

          @Override
          public int read() throws IOException {
            if (sent++ > 2_000) {
              throw new IOException("entity too large");
            }
            return 1;
          }
        };
    assertThatThrownBy(() -> RestApi.readCapped(cut, 1_000))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
  }
}
