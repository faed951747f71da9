package dev.chatsdk.api.port;

import dev.chatsdk.api.Principal;
import java.util.concurrent.CompletionStage;

/**
 * Turns a bearer token into a {@link Principal}. Thread-safe; non-blocking. A rejected token
 * completes the stage exceptionally with a {@link dev.chatsdk.api.ChatException} of code {@code
 * UNAUTHENTICATED} or {@code TOKEN_EXPIRED}.
 */
@FunctionalInterface
public interface Authenticator {
  /** Verifies the token and completes with the principal it proves. */
  CompletionStage<Principal> authenticate(String token);
}
