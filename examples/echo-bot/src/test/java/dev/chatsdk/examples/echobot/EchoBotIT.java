package dev.chatsdk.examples.echobot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Message;
import dev.chatsdk.client.ChatApi;
import dev.chatsdk.client.ChatClient;
import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.TokenProvider;
import dev.chatsdk.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoBotIT {

  @Test
  void botAnswersEveryMessageAndSurvivesARestart() throws Exception {
    try (TestServer server = TestServer.start()) {
      TestServer.TestUser alice = server.signup("alice");
      try (EchoBot bot = EchoBot.start(server.baseUri(), "echo", "echo-bot-password")) {
        String botId = bot.client().user().orElseThrow().id();
        Conversation direct;
        try (ChatApi api = ChatApi.create(server.baseUri(), TokenProvider.of(alice.token()))) {
          direct = api.createDirect(botId).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        List<String> answers = new CopyOnWriteArrayList<>();
        try (ChatClient user =
            ChatClient.builder()
                .baseUri(server.baseUri())
                .credentials(alice.username(), alice.password())
                .listener(
                    new ChatListener() {
                      @Override
                      public void onMessage(Message m) {
                        if (m.senderId().equals(botId)) {
                          answers.add(m.body());
                        }
                      }
                    })
                .build()) {
          user.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
          user.send(direct.id(), "hello").toCompletableFuture().get(10, TimeUnit.SECONDS);
          awaitSize(answers, 1);
          server.restart();
          user.send(direct.id(), "still there?").toCompletableFuture().get(30, TimeUnit.SECONDS);
          awaitSize(answers, 2);
          assertThat(answers).containsExactly("echo: hello", "echo: still there?");
        }
      }
    }
  }

  private static void awaitSize(List<String> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (list.size() < size) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("answers: " + list + " (expected: " + size + ")");
      }
      Thread.sleep(10);
    }
  }
}
