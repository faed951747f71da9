package dev.chatsdk.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A small REST client over the JDK HttpClient for the integration tests. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;

  Api(URI base) {
    this.base = base;
  }

  record Resp(int status, java.net.http.HttpHeaders headers, byte[] body) {
    JsonNode json() {
      if (body.length == 0) {
        return MissingNode.getInstance();
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + new String(body), e);
      }
    }

    String errorCode() {
      return json().path("error").path("code").asText();
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    @Override
    public String toString() {
      return status + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpRequest.Builder request(String path, @Nullable String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path.substring(1))).timeout(TIMEOUT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Resp send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Resp get(String path, @Nullable String token) {
    return send(request(path, token).GET().build());
  }

  Resp post(String path, @Nullable String token, Object body) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : json(body)))
            .build());
  }

  Resp put(String path, @Nullable String token, Object body) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : json(body)))
            .build());
  }

  Resp delete(String path, @Nullable String token) {
    return send(request(path, token).DELETE().build());
  }

  /** Signs up and returns the response JSON (user + token). */
  JsonNode signup(String username) {
    Resp r =
        post(
            "/api/auth/signup",
            null,
            Map.of(
                "username",
                username,
                "password",
                "correct horse battery",
                "displayName",
                username));
    if (r.status() != 201) {
      throw new AssertionError("signup " + username + ": " + r);
    }
    return r.json();
  }

  static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** Creates a direct conversation between the token's user and another; returns its id. */
  String direct(String token, String otherUserId) {
    Resp r =
        post(
            "/api/conversations",
            token,
            Map.of("kind", "direct", "members", new String[] {otherUserId}));
    if (r.status() != 200) {
      throw new AssertionError("direct: " + r);
    }
    return r.json().path("id").asText();
  }
}
