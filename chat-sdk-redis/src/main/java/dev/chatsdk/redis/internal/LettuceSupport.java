package dev.chatsdk.redis.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Lettuce settings shared by the Redis adapters: safe client options, resources, error mapping. */
public final class LettuceSupport {
  /** Shortest wait before a reconnect attempt. */
  public static final Duration RECONNECT_DELAY_MIN = Duration.ofMillis(100);

  /** Longest wait between reconnect attempts, so a returning Redis is found within seconds. */
  public static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(2);

  private LettuceSupport() {}

  /**
   * Creates client resources with small thread pools and a reconnect delay capped at {@link
   * #RECONNECT_DELAY_MAX}. The caller owns them and must shut them down.
   */
  public static ClientResources newClientResources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(
            Delay.exponential(RECONNECT_DELAY_MIN, RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * Client options that fail fast: commands are rejected while disconnected (no replay buffer), the
   * request queue is bounded, every command times out, and the client reconnects (and resubscribes)
   * by itself.
   */
  public static ClientOptions clientOptions(Duration commandTimeout, int requestQueueSize) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(requestQueueSize)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .socketOptions(
            SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
        .build();
  }

  /** Creates a client for {@code uri} on {@code resources} with {@link #clientOptions}. */
  public static RedisClient newClient(
      ClientResources resources, RedisURI uri, Duration commandTimeout, int requestQueueSize) {
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(clientOptions(commandTimeout, requestQueueSize));
    return client;
  }

  /** Parses a Redis URI such as {@code redis://127.0.0.1:6379}, with a clear error if invalid. */
  public static RedisURI parseUri(String uri, Duration commandTimeout) {
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw ChatException.invalid(
          "redisUri: " + redact(uri) + " (expected: redis://[password@]host[:port][/database])");
    }
    parsed.setTimeout(commandTimeout);
    return parsed;
  }

  /** The URI without any password, for messages and logs. */
  public static String redact(String uri) {
    int at = uri.lastIndexOf('@');
    int scheme = uri.indexOf("://");
    if (at < 0 || scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }

  /** Translates a Redis failure into a retryable {@link StoreUnavailableException}. */
  public static StoreUnavailableException unavailable(String operation, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StoreUnavailableException sue) {
      return sue;
    }
    return new StoreUnavailableException(
        "redis: "
            + operation
            + " failed ("
            + cause.getClass().getSimpleName()
            + ": "
            + cause.getMessage()
            + ")",
        cause);
  }

  /** The stage with every failure translated by {@link #unavailable}. */
  public static <T> CompletionStage<T> translate(CompletionStage<T> stage, String operation) {
    return stage.handle(
        (value, failure) -> {
          if (failure != null) {
            throw unavailable(operation, failure);
          }
          return value;
        });
  }

  /** Strips the wrappers futures add around the real cause. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Shuts a client down, then the resources if this adapter owns them. Blocks for at most a few
   * seconds.
   */
  public static void shutdown(RedisClient client, @Nullable ClientResources ownedResources) {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } finally {
      if (ownedResources != null) {
        shutdownResources(ownedResources);
      }
    }
  }

  /** Shuts client resources down, waiting at most a few seconds. */
  public static void shutdownResources(ClientResources resources) {
    try {
      resources.shutdown(0, 2, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
