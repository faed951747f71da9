package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.server.Api.Resp;
import dev.chatsdk.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every REST endpoint's success and error paths against the real server and embedded store. */
class RestApiIT {
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

  @Test
  void signupReturnsUserAndTokenAndSetsAStrictHttpOnlyCookie() {
    String name = Api.unique("al");
    Resp r =
        api.post(
            "/api/auth/signup",
            null,
            Map.of("username", name, "password", "correct horse battery", "displayName", "Al"));
    assertThat(r.status()).isEqualTo(201);
    JsonNode json = r.json();
    assertThat(json.path("user").path("id").asText()).isNotEmpty();
    assertThat(json.path("user").path("username").asText()).isEqualTo(name);
    assertThat(json.path("user").path("displayName").asText()).isEqualTo("Al");
    assertThat(json.path("token").asText()).startsWith("ey");
    assertThat(json.toString()).doesNotContain("correct horse").doesNotContain("password");
    String cookie = r.header("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("chat_token=" + json.path("token").asText())
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain("Secure");
    assertThat(r.header("Cache-Control")).contains("no-store");
    assertThat(r.header("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void signupErrors() {
    String name = Api.unique("dup");
    api.signup(name);
    Resp dup =
        api.post(
            "/api/auth/signup",
            null,
            Map.of("username", name.toUpperCase(), "password", "correct horse battery"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.errorCode()).isEqualTo("conflict");

    Resp badName =
        api.post(
            "/api/auth/signup",
            null,
            Map.of("username", "a b", "password", "correct horse battery"));
    assertThat(badName.status()).isEqualTo(422);
    assertThat(badName.errorCode()).isEqualTo("invalid_argument");

    Resp noPassword = api.post("/api/auth/signup", null, Map.of("username", Api.unique("np")));
    assertThat(noPassword.status()).isEqualTo(400);
    assertThat(noPassword.errorCode()).isEqualTo("malformed");

    Resp notJson = api.post("/api/auth/signup", null, "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.errorCode()).isEqualTo("malformed");

    Resp formEncoded =
        api.send(
            api.request("/api/auth/signup", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=x&password=y"))
                .build());
    assertThat(formEncoded.status()).isEqualTo(415);
    assertThat(formEncoded.errorCode()).isEqualTo("unsupported_media_type");

    Resp huge =
        api.post(
            "/api/auth/signup",
            null,
            Map.of("username", Api.unique("big"), "password", "x".repeat(70_000)));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.errorCode()).isEqualTo("too_large");
  }

  @Test
  void loginLogoutAndMe() {
    String name = Api.unique("lo");
    api.signup(name);
    Resp login =
        api.post(
            "/api/auth/login", null, Map.of("username", name, "password", "correct horse battery"));
    assertThat(login.status()).isEqualTo(200);
    String token = login.json().path("token").asText();
    assertThat(login.header("Set-Cookie").orElseThrow()).contains("chat_token=" + token);

    Resp me = api.get("/api/auth/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("user").path("username").asText()).isEqualTo(name);
    assertThat(me.json().path("expiresAt").asText()).isNotEmpty();

    Resp byCookie =
        api.send(
            api.request("/api/auth/me", null)
                .header("Cookie", "chat_token=" + token)
                .GET()
                .build());
    assertThat(byCookie.status()).isEqualTo(200);

    Resp logout = api.post("/api/auth/logout", token, "");
    assertThat(logout.status()).isEqualTo(204);
    assertThat(logout.header("Set-Cookie").orElseThrow())
        .contains("chat_token=;")
        .contains("Max-Age=0");

    Resp revoked = api.get("/api/auth/me", token);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.header("WWW-Authenticate")).contains("Bearer");
  }

  @Test
  void loginErrorsAreUniform() {
    String name = Api.unique("un");
    api.signup(name);
    Resp wrongPassword =
        api.post("/api/auth/login", null, Map.of("username", name, "password", "wrong password!!"));
    Resp unknownUser =
        api.post(
            "/api/auth/login",
            null,
            Map.of("username", Api.unique("nobody"), "password", "wrong password!!"));
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownUser.status()).isEqualTo(401);
    assertThat(wrongPassword.json().path("error").path("message").asText())
        .isEqualTo(unknownUser.json().path("error").path("message").asText());
  }

  @Test
  void unauthenticatedCallsAre401() {
    for (String path :
        List.of("/api/auth/me", "/api/users", "/api/conversations", "/api/users/x")) {
      Resp r = api.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("unauthenticated");
    }
    Resp garbage = api.get("/api/auth/me", "not.a.token");
    assertThat(garbage.status()).isEqualTo(401);
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() {
    String token = api.signup(Api.unique("p")).path("token").asText();
    Resp unknown = api.get("/api/nope", token);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("not_found");
    Resp wrongMethod = api.delete("/api/auth/me", token);
    assertThat(wrongMethod.status()).isEqualTo(405);
  }

  @Test
  void userSearchAndLookupWithPresence() {
    String prefix = Api.unique("srch");
    JsonNode a = api.signup(prefix + "a");
    api.signup(prefix + "b");
    String token = a.path("token").asText();
    Resp search = api.get("/api/users?q=" + prefix, token);
    assertThat(search.status()).isEqualTo(200);
    JsonNode users = search.json().path("users");
    assertThat(users).hasSize(2);
    assertThat(users.get(0).path("username").asText()).isEqualTo(prefix + "a");
    assertThat(users.get(0).has("online")).isTrue();
    assertThat(users.get(0).path("online").asBoolean()).isFalse();

    String bId = users.get(1).path("id").asText();
    Resp one = api.get("/api/users/" + bId, token);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().path("username").asText()).isEqualTo(prefix + "b");

    assertThat(api.get("/api/users/nope", token).status()).isEqualTo(404);
    assertThat(api.get("/api/users?limit=0", token).status()).isEqualTo(422);
    assertThat(api.get("/api/users?limit=x", token).status()).isEqualTo(422);
  }

  @Test
  void passwordChangeRevokesOldTokensAndClosesSessions() throws Exception {
    String name = Api.unique("pw");
    String oldToken = api.signup(name).path("token").asText();
    try (Ws live = Ws.open(server.webSocketUri(), oldToken)) {
      live.await("hello", f -> true);

      assertThat(
              api.put("/api/me/password", null, passwords("correct horse battery", "x")).status())
          .isEqualTo(401);
      Resp wrong =
          api.put("/api/me/password", oldToken, passwords("not my password!", "new horse battery"));
      assertThat(wrong.status()).as(wrong.toString()).isEqualTo(403);
      assertThat(wrong.json().path("error").path("code").asText()).isNotEmpty();
      Resp weak =
          api.put("/api/me/password", oldToken, passwords("correct horse battery", "short"));
      assertThat(weak.status()).as(weak.toString()).isEqualTo(422);
      assertThat(api.put("/api/me/password", oldToken, Map.of()).status()).isEqualTo(400);
      // the refusals changed nothing
      assertThat(api.get("/api/auth/me", oldToken).status()).isEqualTo(200);

      Resp changed =
          api.put(
              "/api/me/password",
              oldToken,
              passwords("correct horse battery", "new horse battery"));
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      String newToken = changed.json().path("token").asText();
      assertThat(newToken).isNotEmpty().isNotEqualTo(oldToken);
      assertThat(changed.json().path("user").path("username").asText()).isEqualTo(name);
      assertThat(changed.header("Set-Cookie").orElseThrow()).contains("chat_token=" + newToken);

      assertThat(live.awaitClose()).isEqualTo(4001);
    }
    assertThat(api.get("/api/auth/me", oldToken).status()).isEqualTo(401);
    assertThat(api.get("/api/auth/me", login(name, "new horse battery")).status()).isEqualTo(200);
    assertThat(
            api.post(
                    "/api/auth/login",
                    null,
                    Map.of("username", name, "password", "correct horse battery"))
                .status())
        .isEqualTo(401);
  }

  private static Map<String, String> passwords(String current, String next) {
    return Map.of("currentPassword", current, "newPassword", next);
  }

  /** Logs in and returns the token. */
  private static String login(String name, String password) {
    Resp login = api.post("/api/auth/login", null, Map.of("username", name, "password", password));
    assertThat(login.status()).as(login.toString()).isEqualTo(200);
    return login.json().path("token").asText();
  }

  @Test
  void profileUpdate() {
    String token = api.signup(Api.unique("pr")).path("token").asText();
    Resp r = api.put("/api/me/profile", token, Map.of("displayName", "New Name"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("displayName").asText()).isEqualTo("New Name");
    assertThat(api.get("/api/auth/me", token).json().path("user").path("displayName").asText())
        .isEqualTo("New Name");
    assertThat(api.put("/api/me/profile", token, Map.of("displayName", " ")).status())
        .isEqualTo(422);
    assertThat(api.put("/api/me/profile", token, Map.of()).status()).isEqualTo(400);
  }

  @Test
  void conversationsMessagesAndReadState() {
    JsonNode a = api.signup(Api.unique("ca"));
    JsonNode b = api.signup(Api.unique("cb"));
    String ta = a.path("token").asText();
    String tb = b.path("token").asText();
    String bId = b.path("user").path("id").asText();

    Resp direct =
        api.post("/api/conversations", ta, Map.of("kind", "direct", "members", List.of(bId)));
    assertThat(direct.status()).isEqualTo(200);
    String cid = direct.json().path("id").asText();
    assertThat(direct.json().path("kind").asText()).isEqualTo("direct");
    Resp again =
        api.post(
            "/api/conversations",
            tb,
            Map.of("kind", "direct", "members", List.of(a.path("user").path("id").asText())));
    assertThat(again.json().path("id").asText()).isEqualTo(cid);

    Resp sent =
        api.post(
            "/api/conversations/" + cid + "/messages",
            ta,
            Map.of("clientMsgId", "m-1", "body", "hello bob"));
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.json().path("seq").asLong()).isPositive();
    assertThat(sent.json().path("senderId").asText()).isEqualTo(a.path("user").path("id").asText());
    Resp duplicate =
        api.post(
            "/api/conversations/" + cid + "/messages",
            ta,
            Map.of("clientMsgId", "m-1", "body", "hello bob"));
    assertThat(duplicate.status()).isEqualTo(200);
    assertThat(duplicate.json().path("id").asText()).isEqualTo(sent.json().path("id").asText());
    api.post(
        "/api/conversations/" + cid + "/messages",
        ta,
        Map.of("clientMsgId", "m-2", "body", "second"));

    Resp history = api.get("/api/conversations/" + cid + "/messages?limit=10", tb);
    assertThat(history.status()).isEqualTo(200);
    JsonNode messages = history.json().path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).path("body").asText()).isEqualTo("hello bob");
    long firstSeq = messages.get(0).path("seq").asLong();
    assertThat(
            api.get("/api/conversations/" + cid + "/messages?after=" + firstSeq, tb)
                .json()
                .path("messages"))
        .hasSize(1);
    assertThat(
            api.get("/api/conversations/" + cid + "/messages?before=" + (firstSeq + 1), tb)
                .json()
                .path("messages"))
        .hasSize(1);

    Resp list = api.get("/api/conversations", tb);
    assertThat(list.status()).isEqualTo(200);
    JsonNode summary = list.json().path("conversations").get(0);
    assertThat(summary.path("conversation").path("id").asText()).isEqualTo(cid);
    assertThat(summary.path("unread").asLong()).isEqualTo(2);
    assertThat(summary.path("lastMessage").path("body").asText()).isEqualTo("second");

    long lastSeq = messages.get(1).path("seq").asLong();
    Resp read = api.post("/api/conversations/" + cid + "/read", tb, Map.of("seq", lastSeq));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("seq").asLong()).isEqualTo(lastSeq);
    assertThat(api.get("/api/conversations/" + cid, tb).json().path("unread").asLong()).isZero();
    assertThat(api.get("/api/conversations/" + cid + "/read", ta).json().path("markers"))
        .isNotEmpty();

    // errors
    assertThat(api.get("/api/conversations/" + cid + "/messages?after=-5", tb).status())
        .isEqualTo(422);
    assertThat(api.get("/api/conversations/" + cid + "/messages?limit=500", tb).status())
        .isEqualTo(422);
    assertThat(api.post("/api/conversations/" + cid + "/read", tb, Map.of()).status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/conversations/" + cid + "/messages",
                    ta,
                    Map.of("clientMsgId", "m-3", "body", "x".repeat(5000)))
                .status())
        .isEqualTo(422);
    assertThat(
            api.post("/api/conversations", ta, Map.of("kind", "triangle", "members", List.of()))
                .status())
        .isEqualTo(422);
    assertThat(
            api.post("/api/conversations", ta, Map.of("kind", "direct", "members", List.of()))
                .status())
        .isEqualTo(422);
  }

  @Test
  void nonMembersAreRefused() {
    JsonNode a = api.signup(Api.unique("na"));
    JsonNode b = api.signup(Api.unique("nb"));
    JsonNode outsider = api.signup(Api.unique("no"));
    String cid = api.direct(a.path("token").asText(), b.path("user").path("id").asText());
    String to = outsider.path("token").asText();

    Resp read = api.get("/api/conversations/" + cid + "/messages", to);
    assertThat(read.status()).isIn(403, 404);
    Resp write =
        api.post(
            "/api/conversations/" + cid + "/messages",
            to,
            Map.of("clientMsgId", "x-1", "body", "let me in"));
    assertThat(write.status()).isIn(403, 404);
    assertThat(api.get("/api/conversations/" + cid, to).status()).isIn(403, 404);
    assertThat(api.post("/api/conversations/" + cid + "/read", to, Map.of("seq", 1)).status())
        .isIn(403, 404);
    // nothing was stored
    assertThat(
            api.get("/api/conversations/" + cid + "/messages", a.path("token").asText())
                .json()
                .path("messages"))
        .isEmpty();
  }

  @Test
  void groupsAndMembership() {
    JsonNode admin = api.signup(Api.unique("ga"));
    JsonNode m1 = api.signup(Api.unique("gm"));
    JsonNode m2 = api.signup(Api.unique("gn"));
    String ta = admin.path("token").asText();
    Resp group =
        api.post(
            "/api/conversations",
            ta,
            Map.of(
                "kind",
                "group",
                "title",
                "Team",
                "members",
                List.of(m1.path("user").path("id").asText())));
    assertThat(group.status()).isEqualTo(201);
    String gid = group.json().path("id").asText();
    assertThat(group.json().path("members")).hasSize(2);

    Resp added =
        api.post(
            "/api/conversations/" + gid + "/members",
            ta,
            Map.of("userId", m2.path("user").path("id").asText()));
    assertThat(added.status()).isEqualTo(200);
    assertThat(added.json().path("members")).hasSize(3);

    Resp renamed = api.put("/api/conversations/" + gid, ta, Map.of("title", "Team 2"));
    assertThat(renamed.json().path("title").asText()).isEqualTo("Team 2");

    Resp notAdmin =
        api.put("/api/conversations/" + gid, m1.path("token").asText(), Map.of("title", "Mine"));
    assertThat(notAdmin.status()).isEqualTo(403);

    Resp removed =
        api.delete(
            "/api/conversations/" + gid + "/members/" + m2.path("user").path("id").asText(), ta);
    assertThat(removed.json().path("members")).hasSize(2);

    assertThat(
            api.post("/api/conversations/" + gid + "/leave", m1.path("token").asText(), "")
                .status())
        .isEqualTo(204);
    assertThat(api.get("/api/conversations/" + gid, m1.path("token").asText()).status())
        .isIn(403, 404);
  }

  @Test
  void groupAdminsSetMemberRolesAndALeavingLastAdminHandsOver() {
    JsonNode admin = api.signup(Api.unique("ra"));
    JsonNode m1 = api.signup(Api.unique("rm"));
    JsonNode m2 = api.signup(Api.unique("rn"));
    String ta = admin.path("token").asText();
    String t1 = m1.path("token").asText();
    String id1 = m1.path("user").path("id").asText();
    String id2 = m2.path("user").path("id").asText();
    String gid =
        api.post(
                "/api/conversations",
                ta,
                Map.of("kind", "group", "title", "Roles", "members", List.of(id1, id2)))
            .json()
            .path("id")
            .asText();
    String member1 = "/api/conversations/" + gid + "/members/" + id1;

    assertThat(api.put(member1, t1, Map.of("role", "admin")).status()).isEqualTo(403);
    Resp bad = api.put(member1, ta, Map.of("role", "owner"));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().path("error").path("code").asText()).isEqualTo("invalid_argument");
    assertThat(bad.json().path("error").path("message").asText()).contains("admin or member");
    assertThat(api.put(member1, ta, Map.of()).status()).isEqualTo(400);
    assertThat(
            api.put("/api/conversations/" + gid + "/members/nobody", ta, Map.of("role", "admin"))
                .status())
        .isEqualTo(404);
    assertThat(
            api.put(
                    "/api/conversations/"
                        + gid
                        + "/members/"
                        + admin.path("user").path("id").asText(),
                    ta,
                    Map.of("role", "member"))
                .status())
        .as("the only admin cannot step down")
        .isEqualTo(409);

    Resp promoted = api.put(member1, ta, Map.of("role", "admin"));
    assertThat(promoted.status()).isEqualTo(200);
    assertThat(promoted.json().path("members").get(1).path("role").asText()).isEqualTo("admin");
    assertThat(api.put("/api/conversations/" + gid, t1, Map.of("title", "Mine")).status())
        .isEqualTo(200);

    assertThat(
            api.put(member1, t1, Map.of("role", "member"))
                .json()
                .path("members")
                .get(1)
                .path("role")
                .asText())
        .isEqualTo("member");
    assertThat(api.post("/api/conversations/" + gid + "/leave", ta, "").status()).isEqualTo(204);
    JsonNode after = api.get("/api/conversations/" + gid, t1).json();
    JsonNode members = after.path("conversation").path("members");
    assertThat(members).hasSize(2);
    assertThat(members.get(0).path("userId").asText()).isEqualTo(id1);
    assertThat(members.get(0).path("role").asText())
        .as("longest-standing member")
        .isEqualTo("admin");
    assertThat(members.get(1).path("role").asText()).isEqualTo("member");
  }

  @Test
  void editAndDeleteOwnMessagesOnly() {
    JsonNode a = api.signup(Api.unique("ea"));
    JsonNode b = api.signup(Api.unique("eb"));
    String ta = a.path("token").asText();
    String cid = api.direct(ta, b.path("user").path("id").asText());
    String mid =
        api.post(
                "/api/conversations/" + cid + "/messages",
                ta,
                Map.of("clientMsgId", "e-1", "body", "typo"))
            .json()
            .path("id")
            .asText();
    Resp edited =
        api.put("/api/conversations/" + cid + "/messages/" + mid, ta, Map.of("body", "fixed"));
    assertThat(edited.status()).isEqualTo(200);
    assertThat(edited.json().path("body").asText()).isEqualTo("fixed");
    assertThat(
            api.put(
                    "/api/conversations/" + cid + "/messages/" + mid,
                    b.path("token").asText(),
                    Map.of("body", "hijack"))
                .status())
        .isEqualTo(403);
    Resp deleted = api.delete("/api/conversations/" + cid + "/messages/" + mid, ta);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
  }

  @Test
  void crossSiteCookieWritesAreRefusedButSameOriginPasses() {
    String token = api.signup(Api.unique("cs")).path("token").asText();
    Resp evil =
        api.send(
            api.request("/api/me/profile", null)
                .header("Cookie", "chat_token=" + token)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"pwned\"}"))
                .build());
    assertThat(evil.status()).isEqualTo(403);
    Resp same =
        api.send(
            api.request("/api/me/profile", null)
                .header("Cookie", "chat_token=" + token)
                .header("Origin", "http://127.0.0.1:" + server.port())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"fine\"}"))
                .build());
    assertThat(same.status()).isEqualTo(200);
  }
}
