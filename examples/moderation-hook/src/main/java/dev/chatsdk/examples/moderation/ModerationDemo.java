package dev.chatsdk.examples.moderation;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.auth.JwtAuthenticator;
import dev.chatsdk.core.auth.JwtSecrets;
import dev.chatsdk.core.memory.InMemoryConversationStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import dev.chatsdk.core.memory.InMemoryUserStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * An engine with two moderation hooks: messages with "spam" are rejected, "darn" and "heck" are
 * masked. {@link #main} sends three messages and prints what the store kept.
 *
 * <pre>
 * mvn -q -pl examples/moderation-hook exec:java
 * </pre>
 *
 * Thread-safe.
 */
public final class ModerationDemo implements AutoCloseable {
  private final UserStore users = new InMemoryUserStore();
  private final JwtAuthenticator authenticator =
      JwtAuthenticator.builder().hmacSecret(JwtSecrets.generate()).build();
  private final ChatEngine engine;

  /** An in-memory engine with the two word-list policies. */
  public ModerationDemo() {
    engine =
        ChatEngine.builder()
            .userStore(users)
            .conversationStore(new InMemoryConversationStore())
            .messageStore(new InMemoryMessageStore())
            .authenticator(authenticator)
            .addPolicy(WordListPolicy.rejecting(List.of("spam")))
            .addPolicy(WordListPolicy.masking(List.of("darn", "heck")))
            .build();
  }

  /** The engine, with the policies in place. */
  public ChatEngine engine() {
    return engine;
  }

  /** Creates a user and returns a principal for them (the host app would get it from a token). */
  public Principal user(String username) {
    User user =
        join(
            users.create(
                new User(
                    UUID.randomUUID().toString(), username, username, null, Instant.now(), null)));
    return new Principal(user.id(), Set.of(), Instant.now().plus(1, ChronoUnit.HOURS));
  }

  @Override
  public void close() {
    engine.close();
    authenticator.close();
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Sends three messages through the policies and prints the outcome of each. */
  public static void main(String[] args) {
    try (ModerationDemo demo = new ModerationDemo()) {
      Principal alice = demo.user("alice");
      Principal bob = demo.user("bob");
      String conversation = join(demo.engine().createDirect(alice, bob.userId())).id();
      for (String text : List.of("hello bob", "darn, the build broke", "cheap spam here")) {
        try {
          String stored =
              join(demo.engine().send(alice, conversation, UUID.randomUUID().toString(), text))
                  .message()
                  .body();
          System.out.printf("sent %-26s -> stored %s%n", "'" + text + "'", "'" + stored + "'");
        } catch (CompletionException e) {
          ChatException refused = (ChatException) e.getCause();
          System.out.printf(
              "sent %-26s -> %s: %s%n",
              "'" + text + "'", refused.code().wireName(), refused.getMessage());
        }
      }
    }
  }
}
