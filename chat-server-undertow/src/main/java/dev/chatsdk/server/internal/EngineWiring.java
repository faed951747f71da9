package dev.chatsdk.server.internal;

import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.auth.AccountService;
import dev.chatsdk.core.auth.JwtAuthenticator;
import dev.chatsdk.core.auth.JwtTokenIssuer;
import dev.chatsdk.core.auth.LoginThrottle;
import dev.chatsdk.core.auth.PasswordHashing;
import dev.chatsdk.core.metrics.ChatMetrics;
import dev.chatsdk.core.protocol.ProtocolCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine and the auth services over a set of stores: codec, JWT issuer and authenticator,
 * password hashing, account service, the cluster's presence and bus, metrics. Closed in reverse
 * order of creation. Thread-safe once built.
 */
final class EngineWiring implements AutoCloseable {
  private final ProtocolCodec codec;
  private final JwtAuthenticator authenticator;
  private final JwtTokenIssuer issuer;
  private final AccountService accounts;
  private final ChatEngine engine;
  private final List<AutoCloseable> closeables;

  private EngineWiring(
      ProtocolCodec codec,
      JwtAuthenticator authenticator,
      JwtTokenIssuer issuer,
      AccountService accounts,
      ChatEngine engine,
      List<AutoCloseable> closeables) {
    this.codec = codec;
    this.authenticator = authenticator;
    this.issuer = issuer;
    this.accounts = accounts;
    this.engine = engine;
    this.closeables = closeables;
  }

  static EngineWiring create(
      Stores stores,
      byte[] jwtSecret,
      MeterRegistry registry,
      LoginThrottle throttle,
      Duration heartbeat,
      double ratePerSecond,
      int rateBurst,
      ClusterWiring cluster) {
    List<AutoCloseable> closeables = new ArrayList<>();
    try {
      ProtocolCodec codec = ProtocolCodec.create();
      JwtTokenIssuer issuer =
          JwtTokenIssuer.builder()
              .hmacSecret(jwtSecret)
              .credentialStore(stores.credentials)
              .build();
      JwtAuthenticator authenticator =
          issuer.authenticatorBuilder().credentialStore(stores.credentials).build();
      closeables.add(authenticator);
      PasswordHashing hashing = PasswordHashing.withDefaults();
      closeables.add(hashing);
      AccountService accounts =
          AccountService.builder()
              .userStore(stores.users)
              .credentialStore(stores.credentials)
              .tokenIssuer(issuer)
              .passwordHashing(hashing)
              .loginThrottle(throttle)
              .build();
      PresenceRegistry presence = cluster.presence();
      closeables.add(presence);
      ClusterBus bus = cluster.bus();
      closeables.add(bus);
      ChatMetrics metrics = new ChatMetrics();
      metrics.bindTo(registry);
      ChatEngine engine =
          ChatEngine.builder()
              .userStore(stores.users)
              .conversationStore(stores.conversations)
              .messageStore(stores.messages)
              .authenticator(authenticator)
              .presenceRegistry(presence)
              .clusterBus(bus)
              .codec(codec)
              .heartbeatInterval(heartbeat)
              .rateLimit(ratePerSecond, rateBurst)
              .listener(metrics)
              .build();
      closeables.add(engine);
      return new EngineWiring(codec, authenticator, issuer, accounts, engine, closeables);
    } catch (RuntimeException e) {
      closeAll(closeables);
      throw e;
    }
  }

  ProtocolCodec codec() {
    return codec;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  JwtTokenIssuer issuer() {
    return issuer;
  }

  AccountService accounts() {
    return accounts;
  }

  ChatEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    closeAll(closeables);
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // best effort on shutdown
      }
    }
    closeables.clear();
  }
}
