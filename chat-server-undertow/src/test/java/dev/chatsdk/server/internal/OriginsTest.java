package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginsTest {
  private final Origins sameOriginOnly = new Origins(Set.of());

  @Test
  void sameOriginIsAllowed() {
    assertThat(sameOriginOnly.allows("http://localhost:8080", "localhost:8080")).isTrue();
    assertThat(sameOriginOnly.allows("https://chat.example.com", "chat.example.com")).isTrue();
    assertThat(sameOriginOnly.allows("https://chat.example.com", "chat.example.com:443")).isTrue();
    assertThat(sameOriginOnly.allows("HTTP://LOCALHOST:8080", "localhost:8080")).isTrue();
  }

  @Test
  void otherOriginsAreRefused() {
    assertThat(sameOriginOnly.allows("https://evil.example", "chat.example.com")).isFalse();
    assertThat(sameOriginOnly.allows("http://localhost:8081", "localhost:8080")).isFalse();
    assertThat(sameOriginOnly.allows("null", "localhost:8080")).isFalse();
    assertThat(sameOriginOnly.allows("http://localhost:8080.evil.example", "localhost:8080"))
        .isFalse();
    assertThat(sameOriginOnly.allows("https://a.example", null)).isFalse();
  }

  @Test
  void requestsWithoutOriginAreAllowed() {
    assertThat(sameOriginOnly.allows(null, "localhost:8080")).isTrue();
  }

  @Test
  void configuredOriginsAreAllowed() {
    Origins o = new Origins(Set.of(Origins.normalize("http://localhost:5173/")));
    assertThat(o.allows("http://localhost:5173", "localhost:8080")).isTrue();
    assertThat(o.allows("http://localhost:5174", "localhost:8080")).isFalse();
  }

  @Test
  void normalizeRefusesNonOrigins() {
    assertThat(Origins.normalize("HTTPS://Chat.Example.com:443"))
        .isEqualTo("https://chat.example.com");
    assertThatThrownBy(() -> Origins.normalize("ftp://x")).hasMessageContaining("expected");
    assertThatThrownBy(() -> Origins.normalize("http://x/path")).hasMessageContaining("expected");
    assertThatThrownBy(() -> Origins.normalize("*")).hasMessageContaining("expected");
  }
}
