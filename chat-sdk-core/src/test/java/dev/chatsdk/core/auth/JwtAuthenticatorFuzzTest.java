package dev.chatsdk.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link JwtAuthenticator#authenticate(String)}: arbitrary token strings, and tokens whose
 * header and claims are arbitrary JSON but correctly HMAC-signed (so the fuzzer gets past the
 * signature check into claim handling). Regression mode runs the seeds under {@code
 * JwtAuthenticatorFuzzTestInputs/<method>/}; see docs/SECURITY.md for fuzzing mode.
 */
class JwtAuthenticatorFuzzTest {
  private static final byte[] SECRET =
      "fuzzing-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.US_ASCII);

  /** 2026-01-01T00:00:00Z = 1767225600; seeds use exp/iat values around it. */
  private static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<ErrorCode> REJECTIONS =
      EnumSet.of(ErrorCode.UNAUTHENTICATED, ErrorCode.TOKEN_EXPIRED);

  private static final JwtAuthenticator AUTHENTICATOR =
      JwtAuthenticator.builder().hmacSecret(SECRET).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  /** A random string is never a principal: it is rejected as UNAUTHENTICATED or TOKEN_EXPIRED. */
  @FuzzTest(maxDuration = "2m")
  void arbitraryTokensAreRejected(byte[] input) {
    String token = new String(input, StandardCharsets.UTF_8);
    CompletableFuture<Principal> result = AUTHENTICATOR.authenticate(token).toCompletableFuture();
    assertThat(result).as("verification with a fixed key completes on the caller").isDone();
    try {
      Principal p = result.join();
      fail("accepted an unsigned token as " + p.userId());
    } catch (CompletionException e) {
      assertRejection(e.getCause());
    }
  }

  /**
   * A correctly signed token with arbitrary header and claims (input: header JSON, a newline,
   * claims JSON) gives a principal consistent with its claims, or is rejected as UNAUTHENTICATED or
   * TOKEN_EXPIRED.
   */
  @FuzzTest(maxDuration = "2m")
  void signedTokensWithArbitraryClaimsGiveAPrincipalOrARejection(byte[] input)
      throws GeneralSecurityException {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String header = newline < 0 ? "{\"alg\":\"HS256\"}" : text.substring(0, newline);
    String claims = newline < 0 ? text : text.substring(newline + 1);
    String token = sign(header, claims);
    CompletableFuture<Principal> result = AUTHENTICATOR.authenticate(token).toCompletableFuture();
    assertThat(result).isDone();
    Principal p;
    try {
      p = result.join();
    } catch (CompletionException e) {
      assertRejection(e.getCause());
      return;
    }
    assertThat(p.userId()).isNotEmpty();
    JsonNode parsed = readOrNull(claims);
    if (parsed != null && parsed.path("sub").isTextual()) {
      assertThat(p.userId()).isEqualTo(parsed.path("sub").textValue());
    }
    assertThat(p.expiresAt())
        .as("an accepted token is not expired beyond the skew")
        .isAfter(NOW.minus(JwtAuthenticator.DEFAULT_CLOCK_SKEW).minus(Duration.ofSeconds(1)));
  }

  private static @Nullable JsonNode readOrNull(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }

  private static void assertRejection(Throwable failure) {
    assertThat(failure).isInstanceOf(ChatException.class);
    ChatException e = (ChatException) failure;
    assertThat(e.code()).as("code of '%s'", e.getMessage()).isIn(REJECTIONS);
  }

  private static String sign(String header, String claims) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(signature);
  }
}
