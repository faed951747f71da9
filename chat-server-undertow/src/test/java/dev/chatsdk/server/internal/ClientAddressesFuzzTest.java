package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the {@code X-Forwarded-For} parsing of {@link ClientAddresses}: a client behind a trusted
 * proxy controls every hop left of the proxy's own. Regression mode replays the seeds under {@code
 * ClientAddressesFuzzTestInputs/<method>/}.
 */
class ClientAddressesFuzzTest {
  private static final int MAX_HEADER_LINES = 32;

  private static final ClientAddresses ADDRESSES =
      new ClientAddresses(Set.of("127.0.0.1", "10.0.0.2"));

  /**
   * Any {@code X-Forwarded-For} values (one per input line) seen from a trusted proxy give one
   * non-empty client address of at most 64 characters, never an exception.
   */
  @FuzzTest(maxDuration = "2m")
  void forwardedForGivesOneBoundedClientAddress(byte[] input) {
    HttpServerExchange ex = new HttpServerExchange(null);
    ex.setSourceAddress(new InetSocketAddress("127.0.0.1", 40000));
    String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
    // a header map holds a bounded number of values per name, as Undertow's parser enforces
    for (int i = 0; i < Math.min(lines.length, MAX_HEADER_LINES); i++) {
      ex.getRequestHeaders().add(Headers.X_FORWARDED_FOR, lines[i]);
    }
    String address = ADDRESSES.of(ex);
    assertThat(address).isNotEmpty().hasSizeLessThanOrEqualTo(64);
  }

  /**
   * Only plain dotted quads and IPv6 literals are addresses: anything else that {@link
   * java.net.InetAddress#getByName} would not parse as a literal made it ask the system resolver (a
   * DNS lookup on an IO thread, for a value the client chose).
   */
  @Test
  void numericNamesThatAreNotDottedQuadsAreRefusedWithoutResolving() {
    for (String notAnAddress :
        new String[] {
          "1.2.3.4.5", "1.2.3.256", "999", "127.1", "1..2", "0.0.0.0.", "01.2.3.4567"
        }) {
      assertThatThrownBy(() -> ClientAddresses.normalize(notAnAddress))
          .as(notAnAddress)
          .isInstanceOf(ChatException.class)
          .extracting(e -> ((ChatException) e).code())
          .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
    assertThat(ClientAddresses.normalize("192.168.0.1")).isEqualTo("192.168.0.1");
    assertThat(ClientAddresses.normalize(" [::1] ")).isEqualTo("0:0:0:0:0:0:0:1");
  }
}
