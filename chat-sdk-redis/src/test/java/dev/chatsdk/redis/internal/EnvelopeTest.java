package dev.chatsdk.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static final byte[] ME = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER = "fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

  @Test
  void wrappedPayloadComesBackWithItsSenderAndTime() {
    byte[] payload = {0, 1, 2, (byte) 255};
    byte[] envelope = Envelope.wrap(ME, 1_700_000_000_123L, payload);

    assertThat(envelope).hasSize(Envelope.HEADER_LENGTH + payload.length);
    assertThat(Envelope.isFrom(envelope, ME)).isTrue();
    assertThat(Envelope.isFrom(envelope, OTHER)).isFalse();
    assertThat(Envelope.publishedAt(envelope)).isEqualTo(1_700_000_000_123L);
    assertThat(Envelope.payload(envelope)).isEqualTo(payload);
  }

  @Test
  void emptyPayloadIsAllowed() {
    byte[] envelope = Envelope.wrap(ME, 5, new byte[0]);
    assertThat(Envelope.payload(envelope)).isEmpty();
    assertThat(Envelope.publishedAt(envelope)).isEqualTo(5);
  }

  @Test
  void foreignOrTruncatedMessagesAreRecognisedAsMalformed() {
    assertThat(Envelope.publishedAt("hello".getBytes(StandardCharsets.US_ASCII))).isNull();
    byte[] wrongVersion = Envelope.wrap(ME, 5, new byte[3]);
    wrongVersion[0] = 9;
    assertThat(Envelope.publishedAt(wrongVersion)).isNull();
    assertThat(Envelope.isFrom(new byte[3], ME)).isFalse();
  }
}
