package dev.chatsdk.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Message;
import dev.chatsdk.client.ChatClient;
import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.SentMessage;
import dev.chatsdk.client.TokenProvider;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedChatAppIT {

  private static TokenProvider loginAs(EmbeddedChatApp app, String user) {
    return refresh -> app.login(user).thenApply(EmbeddedChatApp.Login::token);
  }

  @Test
  void javaClientsChatThroughTheEmbeddedEngine() throws Exception {
    try (EmbeddedChatApp app = EmbeddedChatApp.start("127.0.0.1", 0)) {
      HttpResponse<String> login =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(app.baseUri().resolve("/token?user=carol")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("\"token\":\"").contains(app.lobbyId());

      List<Message> bobSaw = new CopyOnWriteArrayList<>();
      try (ChatClient alice =
              ChatClient.builder()
                  .baseUri(app.baseUri())
                  .tokenProvider(loginAs(app, "alice"))
                  .build();
          ChatClient bob =
              ChatClient.builder()
                  .baseUri(app.baseUri())
                  .tokenProvider(loginAs(app, "bob"))
                  .listener(
                      new ChatListener() {
                        @Override
                        public void onMessage(Message message) {
                          bobSaw.add(message);
                        }
                      })
                  .build()) {
        alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        SentMessage sent =
            alice
                .send(app.lobbyId(), "hello from inside the host app")
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bobSaw.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(bobSaw)
            .singleElement()
            .satisfies(
                m -> {
                  assertThat(m.body()).isEqualTo("hello from inside the host app");
                  assertThat(m.id()).isEqualTo(sent.id());
                });
      }
    }
  }

  @Test
  void forgedTokenIsRefusedAtTheUpgrade() throws Exception {
    try (EmbeddedChatApp app = EmbeddedChatApp.start("127.0.0.1", 0);
        ChatClient mallory =
            ChatClient.builder()
                .baseUri(app.baseUri())
                .tokenProvider(TokenProvider.of("not-a-token"))
                .build()) {
      assertThatThrownBy(() -> mallory.connect().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ChatException.class)
          .cause()
          .satisfies(
              e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
  }
}
