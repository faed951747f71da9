package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.core.protocol.ProtocolCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the pure parsers behind the REST API that see untrusted bytes: JSON request bodies (as
 * {@link RestApi} decodes them), the multipart avatar upload, the avatar image check and
 * re-encoding, the {@code Origin} allow-list and the JSON error body. In a plain {@code mvn verify}
 * each method replays its seeds under {@code RestInputsFuzzTestInputs/<method>/}; see
 * docs/SECURITY.md for fuzzing mode.
 */
class RestInputsFuzzTest {
  private static final ProtocolCodec CODEC = ProtocolCodec.create();
  private static final ObjectMapper PLAIN = new ObjectMapper();

  /** Every JSON body type {@link RestApi} decodes, selected by the first input byte. */
  private static final List<Class<? extends Record>> REQUEST_TYPES =
      List.of(
          ApiBodies.SignupRequest.class,
          ApiBodies.LoginRequest.class,
          ApiBodies.PasswordRequest.class,
          ApiBodies.ProfileRequest.class,
          ApiBodies.CreateConversationRequest.class,
          ApiBodies.RenameRequest.class,
          ApiBodies.AddMemberRequest.class,
          ApiBodies.SendRequest.class,
          ApiBodies.EditRequest.class,
          ApiBodies.ReadRequest.class);

  private static final Set<ErrorCode> BODY_CODES =
      EnumSet.of(ErrorCode.MALFORMED, ErrorCode.INVALID_ARGUMENT);

  /**
   * A request body (input: one digit choosing the request type, then the JSON) decodes to a record
   * with every required field present, or fails with MALFORMED or INVALID_ARGUMENT; a decoded
   * record encodes back to JSON.
   */
  @FuzzTest(maxDuration = "2m")
  void requestBodiesDecodeToARecordOrAClientError(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    Class<? extends Record> type = REQUEST_TYPES.get((input[0] & 0xFF) % REQUEST_TYPES.size());
    byte[] json = Arrays.copyOfRange(input, 1, input.length);
    Record request;
    try {
      request = CODEC.fromJson(json, type);
    } catch (ChatException e) {
      assertThat(e.code()).as("%s: %s", type.getSimpleName(), e.getMessage()).isIn(BODY_CODES);
      assertThat(Http.errorBody(e)).satisfies(RestInputsFuzzTest::assertJson);
      return;
    }
    assertThat(request).isInstanceOf(type);
    for (var component : type.getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(request);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
      boolean optional =
          component.getName().equals("displayName") && type == ApiBodies.SignupRequest.class
              || component.getName().equals("title")
                  && type == ApiBodies.CreateConversationRequest.class;
      if (!optional) {
        assertThat(value).as("%s.%s", type.getSimpleName(), component.getName()).isNotNull();
      }
    }
    if (request instanceof ApiBodies.CreateConversationRequest c) {
      assertThat(c.members()).doesNotContainNull();
    }
    assertJson(CODEC.toJson(request));
  }

  /**
   * An upload's {@code Content-Type} (first input line) and body (the rest) yield the file part, a
   * slice of the body, or MALFORMED; never another exception.
   */
  @FuzzTest(maxDuration = "2m")
  void multipartUploadsYieldTheFilePartOrMalformed(byte[] input) {
    int newline = indexOf(input, (byte) '\n');
    String contentType =
        new String(input, 0, newline < 0 ? input.length : newline, StandardCharsets.ISO_8859_1);
    byte[] body = newline < 0 ? new byte[0] : Arrays.copyOfRange(input, newline + 1, input.length);
    Optional<String> boundary;
    try {
      boundary = Multipart.boundary(contentType);
    } catch (ChatException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
      return;
    }
    if (boundary.isEmpty()) {
      return;
    }
    assertThat(boundary.get()).isNotEmpty().hasSizeLessThanOrEqualTo(70);
    byte[] part;
    try {
      part = Multipart.filePart(body, boundary.get());
    } catch (ChatException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
      return;
    }
    assertThat(part.length).isLessThanOrEqualTo(body.length);
    if (part.length > 0) {
      assertThat(Multipart.indexOf(body, part, 0))
          .as("the part is a slice of the body")
          .isNotNegative();
    }
  }

  /**
   * Any upload is re-encoded to a PNG or JPEG of at most {@link AvatarImages#MAX_SIDE} pixels a
   * side, or refused with UNSUPPORTED_MEDIA_TYPE or TOO_LARGE; never another exception.
   */
  @FuzzTest(maxDuration = "2m")
  void avatarUploadsAreReencodedOrRefused(byte[] input) throws IOException {
    AvatarImages.Avatar avatar;
    try {
      avatar = AvatarImages.process(input);
    } catch (ChatException e) {
      assertThat(e.code())
          .as(e.getMessage())
          .isIn(ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.TOO_LARGE);
      return;
    }
    assertThat(avatar.contentType()).isIn("image/png", "image/jpeg");
    assertThat(AvatarImages.sniff(avatar.bytes())).isEqualTo(avatar.contentType());
    assertThat(avatar.width()).isBetween(1, AvatarImages.MAX_SIDE);
    assertThat(avatar.height()).isBetween(1, AvatarImages.MAX_SIDE);
    var decoded = javax.imageio.ImageIO.read(new ByteArrayInputStream(avatar.bytes()));
    assertThat(decoded).as("the re-encoded avatar decodes").isNotNull();
    assertThat(decoded.getWidth()).isEqualTo(avatar.width());
    assertThat(decoded.getHeight()).isEqualTo(avatar.height());
  }

  /**
   * An {@code Origin} (first input line) is normalised to {@code scheme://host[:port]} or refused
   * with INVALID_ARGUMENT, and the allow-list check against a {@code Host} (second line) never
   * throws and admits only same-origin or listed origins.
   */
  @FuzzTest(maxDuration = "2m")
  void originsAreNormalizedOrRefused(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String origin = newline < 0 ? text : text.substring(0, newline);
    String host = newline < 0 ? null : text.substring(newline + 1);
    Origins origins = new Origins(Set.of("https://chat.example.com"));
    boolean allowed = origins.allows(origin, host);
    String normalized;
    try {
      normalized = Origins.normalize(origin);
    } catch (ChatException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(allowed).as("an origin that does not parse is refused").isFalse();
      return;
    }
    assertThat(normalized).matches("https?://[^/?#@]+");
    assertThat(Origins.normalize(normalized)).as("normalising is idempotent").isEqualTo(normalized);
    if (allowed && !normalized.equals("https://chat.example.com")) {
      String authority = normalized.substring(normalized.indexOf("://") + 3);
      assertThat(host).isNotNull();
      assertThat(host.trim().toLowerCase(java.util.Locale.ROOT))
          .as("same-origin only")
          .startsWith(authority);
    }
  }

  /** An error message of any content makes a JSON error body that reads back unchanged. */
  @FuzzTest(maxDuration = "2m")
  void errorBodiesAreJsonThatKeepsTheMessage(byte[] input) throws IOException {
    String message = new String(input, StandardCharsets.UTF_8);
    ErrorCode code = ErrorCode.values()[message.length() % ErrorCode.values().length];
    byte[] body = Http.errorBody(new ChatException(code, message));
    JsonNode json = PLAIN.readTree(body);
    assertThat(json.path("error").path("code").textValue()).isEqualTo(code.wireName());
    assertThat(json.path("error").path("message").textValue()).isEqualTo(message);
    String raw = new String(body, StandardCharsets.UTF_8);
    assertThat(raw).as("safe to embed in HTML").doesNotContain("<", ">");
  }

  private static void assertJson(byte[] bytes) {
    try {
      assertThat(PLAIN.readTree(bytes)).isNotNull();
    } catch (IOException e) {
      fail("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
    }
  }

  private static int indexOf(byte[] data, byte b) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
