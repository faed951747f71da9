package dev.chatsdk.examples.echobot;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.client.ChatApi;
import dev.chatsdk.client.ChatClient;
import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.ConnectionState;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A bot that answers every new message in its conversations with {@code "echo: <text>"}.
 *
 * <p>Run it against a server ({@code java -jar chat-server-undertow/target/chat-server.jar}):
 *
 * <pre>
 * CHAT_URL=http://localhost:8080 CHAT_BOT_USER=echo CHAT_BOT_PASSWORD='echo-bot-password' \
 *   mvn -q -pl examples/echo-bot exec:java
 * </pre>
 *
 * The bot signs itself up on first start. Then start a direct conversation with user {@code echo}
 * (web demo or REST) and write to it. Stop it with Ctrl-C. Thread-safe.
 */
public final class EchoBot implements AutoCloseable {
  private final ChatClient client;
  private volatile String myId = "";

  private EchoBot(URI server, String username, String password) {
    this.client =
        ChatClient.builder()
            .baseUri(server)
            .credentials(username, password)
            .listener(
                new ChatListener() {
                  @Override
                  public void onSessionStarted(User me, List<ConversationSummary> conversations) {
                    myId = me.id();
                    System.out.printf(
                        "echo bot online as %s in %d conversations%n",
                        me.username(), conversations.size());
                  }

                  @Override
                  public void onMessage(Message m) {
                    boolean isNew = m.seq() == m.modSeq() && !m.deleted();
                    if (isNew && !m.senderId().equals(myId)) {
                      client.send(m.conversationId(), reply(m.body()));
                    }
                  }

                  @Override
                  public void onStateChanged(ConnectionState previous, ConnectionState current) {
                    System.out.println("connection: " + current);
                  }
                })
            .build();
  }

  /** The answer to {@code text}. */
  public static String reply(String text) {
    String answer = "echo: " + text;
    return answer.length() <= Message.MAX_BODY ? answer : answer.substring(0, Message.MAX_BODY);
  }

  /**
   * Signs the bot up if it has no account yet, then connects it. Returns once the bot is online.
   *
   * @throws ChatException if the server refuses the credentials
   */
  public static EchoBot start(URI server, String username, String password) {
    Objects.requireNonNull(server, "server");
    try (ChatApi anonymous = ChatApi.create(server)) {
      anonymous.signup(username, password, "Echo Bot").toCompletableFuture().join();
    } catch (CompletionException e) {
      boolean exists = e.getCause() instanceof ChatException ce && ce.code() == ErrorCode.CONFLICT;
      if (!exists) {
        throw e;
      }
    }
    EchoBot bot = new EchoBot(server, username, password);
    try {
      bot.client.connect().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      bot.close();
      throw e;
    }
    return bot;
  }

  /** The bot's client (for its user id, state, and REST helpers). */
  public ChatClient client() {
    return client;
  }

  /** Stops the bot. */
  @Override
  public void close() {
    client.close();
  }

  /** Runs the bot until the process is stopped. */
  public static void main(String[] args) throws InterruptedException {
    URI server = URI.create(env("CHAT_URL", "http://localhost:8080"));
    String user = env("CHAT_BOT_USER", "echo");
    String password = env("CHAT_BOT_PASSWORD", "echo-bot-password");
    EchoBot bot = start(server, user, password);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  bot.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
