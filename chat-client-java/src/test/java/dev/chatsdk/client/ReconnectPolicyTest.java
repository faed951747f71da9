package dev.chatsdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

  private final ReconnectPolicy policy =
      new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5);

  @Test
  void delayGrowsExponentiallyWithoutJitter() {
    assertThat(policy.delay(0, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delay(4, 0.0)).isEqualTo(Duration.ofMillis(1600));
  }

  @Test
  void delayIsCappedAtMaxDelay() {
    assertThat(policy.delay(10, 0.0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.delay(10_000, 0.0)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void jitterTakesOffUpToItsShare() {
    assertThat(policy.delay(3, 0.999)).isBetween(Duration.ofMillis(400), Duration.ofMillis(401));
    assertThat(policy.delay(3, 0.5)).isEqualTo(Duration.ofMillis(600));
    for (int i = 0; i < 100; i++) {
      assertThat(policy.delay(2, Math.random()))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }
  }

  @Test
  void invalidPoliciesAreRefusedWithTheValueAndExpectation() {
    assertThatThrownBy(
            () -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0))
        .hasMessageContaining("maxDelay: PT1S (expected: >= initialDelay PT2S)");
    assertThatThrownBy(() -> new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 0.5, 0))
        .hasMessageContaining("multiplier: 0.5 (expected: >= 1)");
    assertThatThrownBy(() -> new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 1, 2))
        .hasMessageContaining("jitter: 2.0 (expected: 0..1)");
  }

  @Test
  void defaultPolicyUsesTheNamedDefaults() {
    assertThat(ReconnectPolicy.DEFAULT.initialDelay())
        .isEqualTo(ReconnectPolicy.DEFAULT_INITIAL_DELAY);
    assertThat(ReconnectPolicy.DEFAULT.maxDelay()).isEqualTo(ReconnectPolicy.DEFAULT_MAX_DELAY);
  }
}
