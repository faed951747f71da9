package dev.chatsdk.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class LettuceSupportTest {
  @Test
  void passwordsAreRedactedFromUris() {
    assertThat(LettuceSupport.redact("redis://:s3cret@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0");
    assertThat(LettuceSupport.redact("redis://user:s3cret@redis")).isEqualTo("redis://***@redis");
    assertThat(LettuceSupport.redact("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void failuresBecomeRetryableUnavailableNamingTheOperationAndCause() {
    StoreUnavailableException e =
        LettuceSupport.unavailable(
            "publish to c:1",
            new CompletionException(
                new RedisCommandTimeoutException("Command timed out after 2 second(s)")));
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage())
        .isEqualTo(
            "redis: publish to c:1 failed (RedisCommandTimeoutException: Command timed out after 2"
                + " second(s))");
    assertThat(e.getCause()).isInstanceOf(RedisCommandTimeoutException.class);
    assertThat(LettuceSupport.unavailable("again", e)).isSameAs(e);
  }

  @Test
  void translatedStagesFailWithUnavailable() {
    CompletableFuture<String> failed =
        CompletableFuture.failedFuture(new IllegalStateException("x"));
    assertThat(LettuceSupport.translate(failed, "presence").toCompletableFuture())
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .withCauseInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void clientOptionsRejectCommandsWhileDisconnectedWithABoundedQueueAndTimeout() {
    ClientOptions options = LettuceSupport.clientOptions(Duration.ofSeconds(2), 123);
    assertThat(options.getDisconnectedBehavior())
        .isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    assertThat(options.getRequestQueueSize()).isEqualTo(123);
    assertThat(options.isAutoReconnect()).isTrue();
    assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
    TimeoutOptions.TimeoutSource source = options.getTimeoutOptions().getSource();
    assertThat(Duration.of(source.getTimeout(null), source.getTimeUnit().toChronoUnit()))
        .isEqualTo(Duration.ofSeconds(2));
  }
}
