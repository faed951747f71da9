package dev.chatsdk.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Mints HS256 tokens for the Socket.IO peer, which verifies them at connect. */
final class Jwt {
  private Jwt() {}

  static String hs256(String subject, byte[] secret) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long now = System.currentTimeMillis() / 1000;
    String header =
        b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims =
        b64.encodeToString(
            ("{\"sub\":\"" + subject + "\",\"iat\":" + now + ",\"exp\":" + (now + 86400) + "}")
                .getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] sig = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header + "." + claims + "." + b64.encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
