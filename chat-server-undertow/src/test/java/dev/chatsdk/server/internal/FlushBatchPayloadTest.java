package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.port.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlushBatchPayloadTest {

  private static String text(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aFrameSentToManyRecipientsInARowSharesOneDirectCopyFromTheThirdSendOn() {
    UndertowConnection.FlushBatch batch = new UndertowConnection.FlushBatch();
    Frame fanOut = Frame.ofText("{\"type\":\"message\",\"body\":\"to everyone\"}");

    ByteBuffer first = batch.payload(fanOut);
    ByteBuffer second = batch.payload(fanOut);
    ByteBuffer third = batch.payload(fanOut);
    ByteBuffer fourth = batch.payload(fanOut);

    assertThat(first.isDirect()).isFalse();
    assertThat(second.isDirect()).isFalse();
    assertThat(third.isDirect()).isTrue();
    assertThat(fourth.isDirect()).isTrue();
    assertThat(third.isReadOnly()).isTrue();
    // each send has its own position over the same bytes
    assertThat(text(third)).isEqualTo(fanOut.text());
    assertThat(text(fourth)).isEqualTo(fanOut.text());
    assertThat(text(first)).isEqualTo(fanOut.text());
  }

  @Test
  void anotherFrameStartsOverOnTheHeap() {
    UndertowConnection.FlushBatch batch = new UndertowConnection.FlushBatch();
    Frame a = Frame.ofText("{\"n\":1}");
    Frame b = Frame.ofText("{\"n\":2}");
    for (int i = 0; i < 5; i++) {
      batch.payload(a);
    }

    ByteBuffer afterSwitch = batch.payload(b);
    ByteBuffer backToA = batch.payload(a);

    assertThat(afterSwitch.isDirect()).isFalse();
    assertThat(text(afterSwitch)).isEqualTo("{\"n\":2}");
    assertThat(backToA.isDirect()).as("a again, but not in a row").isFalse();
    assertThat(text(backToA)).isEqualTo("{\"n\":1}");
  }

  @Test
  void oneToOneFramesSentOnceOrTwiceStayOnTheHeap() {
    UndertowConnection.FlushBatch batch = new UndertowConnection.FlushBatch();
    for (int i = 0; i < 100; i++) {
      Frame f = Frame.ofText("{\"seq\":" + i + "}");
      assertThat(batch.payload(f).isDirect()).isFalse();
      assertThat(batch.payload(f).isDirect()).isFalse();
    }
  }
}
