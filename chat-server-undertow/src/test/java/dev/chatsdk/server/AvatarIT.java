package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.server.internal.TestImages;
import dev.chatsdk.server.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Avatar upload and download: cap, sniffing, dimension check, re-encode, headers, ETag. */
class AvatarIT {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void up() {
    server = TestServer.start();
    api = new Api(server.baseUri());
  }

  @AfterAll
  static void down() {
    server.close();
  }

  static Api.Resp upload(String token, byte[] body, String contentType) {
    return api.send(
        api.request("/api/me/avatar", token)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  @Test
  void deletingTheAvatarRemovesItAndIsIdempotent() throws Exception {
    JsonNode user = api.signup(Api.unique("avdel"));
    String token = user.path("token").asText();
    String id = user.path("user").path("id").asText();
    Api.Resp put = upload(token, TestImages.jpegWithMetadata(64, 64, "x"), "image/jpeg");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(api.get("/api/users/" + id + "/avatar", token).status()).isEqualTo(200);

    assertThat(api.delete("/api/me/avatar", null).status()).isEqualTo(401);
    Api.Resp deleted = api.delete("/api/me/avatar", token);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().path("id").asText()).isEqualTo(id);
    assertThat(deleted.json().has("avatarId")).isFalse();

    assertThat(api.get("/api/users/" + id + "/avatar", token).status()).isEqualTo(404);
    JsonNode view = api.get("/api/users/" + id, token).json();
    assertThat(view.has("avatarId")).isFalse();
    assertThat(view.has("avatarUrl")).isFalse();

    Api.Resp again = api.delete("/api/me/avatar", token);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().has("avatarId")).isFalse();
  }

  @Test
  void uploadIsReencodedAndServedWithExactTypeNosniffAndEtag() throws Exception {
    JsonNode user = api.signup(Api.unique("av"));
    String token = user.path("token").asText();
    String id = user.path("user").path("id").asText();
    byte[] jpeg = TestImages.jpegWithMetadata(1600, 1200, "GPS-SECRET");

    // declared type lies: the server sniffs the bytes
    Api.Resp put = upload(token, jpeg, "image/png");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String avatarId = put.json().path("avatarId").asText();
    assertThat(avatarId).isNotEmpty();

    Api.Resp get = api.get("/api/users/" + id + "/avatar", token);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("Content-Type")).contains("image/jpeg");
    assertThat(get.header("X-Content-Type-Options")).contains("nosniff");
    String etag = get.header("ETag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(get.body()));
    assertThat(img.getWidth()).isEqualTo(512);
    assertThat(img.getHeight()).isEqualTo(384);
    assertThat(new String(get.body(), StandardCharsets.ISO_8859_1)).doesNotContain("GPS-SECRET");

    Api.Resp cached =
        api.send(
            api.request("/api/users/" + id + "/avatar", token)
                .header("If-None-Match", etag)
                .GET()
                .build());
    assertThat(cached.status()).isEqualTo(304);
    assertThat(cached.body()).isEmpty();
    assertThat(cached.header("ETag")).contains(etag);
    assertThat(cached.header("Cache-Control")).contains("private, max-age=0, must-revalidate");

    JsonNode view = api.get("/api/users/" + id, token).json();
    assertThat(view.path("avatarUrl").asText()).contains("/api/users/" + id + "/avatar");
  }

  @Test
  void multipartUploadWorksAndPngStaysPng() {
    String token = api.signup(Api.unique("mp")).path("token").asText();
    byte[] png = TestImages.image(300, 200, "png");
    String boundary = "----chatboundary42";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(png);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    Api.Resp put = upload(token, body.toByteArray(), "multipart/form-data; boundary=" + boundary);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String id = put.json().path("id").asText();
    Api.Resp get = api.get("/api/users/" + id + "/avatar", token);
    assertThat(get.header("Content-Type")).contains("image/png");
  }

  @Test
  void oversizedUploadIs413WhileStreaming() {
    String token = api.signup(Api.unique("big")).path("token").asText();
    byte[] big = new byte[6 * 1024 * 1024];
    big[0] = (byte) 0xFF;
    big[1] = (byte) 0xD8;
    big[2] = (byte) 0xFF;
    // a streamed body without Content-Length: the cap applies while reading
    Api.Resp r =
        api.send(
            api.request("/api/me/avatar", token)
                .header("Content-Type", "image/jpeg")
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> (InputStream) new ByteArrayInputStream(big)))
                .build());
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
    Api.Resp declared = upload(token, big, "image/jpeg");
    assertThat(declared.status()).isEqualTo(413);
  }

  @Test
  void nonImagesAre415() {
    String token = api.signup(Api.unique("ni")).path("token").asText();
    Api.Resp html =
        upload(
            token, "<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8), "image/png");
    assertThat(html.status()).isEqualTo(415);
    assertThat(html.errorCode()).isEqualTo("unsupported_media_type");
  }

  @Test
  void hugeDimensionsAreRefusedFromTheHeader() {
    String token = api.signup(Api.unique("bomb")).path("token").asText();
    Api.Resp r = upload(token, TestImages.pngHeaderClaiming(50_000, 50_000), "image/png");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().path("error").path("message").asText()).contains("50000x50000");
  }

  @Test
  void missingAvatarIs404AndUnauthenticatedIs401() {
    JsonNode user = api.signup(Api.unique("na"));
    String id = user.path("user").path("id").asText();
    assertThat(api.get("/api/users/" + id + "/avatar", user.path("token").asText()).status())
        .isEqualTo(404);
    assertThat(api.get("/api/users/" + id + "/avatar", null).status()).isEqualTo(401);
  }
}
