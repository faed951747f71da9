package dev.chatsdk.server.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Wraps a storage port so that each of its writes completes only after a durability barrier (the
 * embedded store's group commit): the engine acks a message only once it is on disk. Reads pass
 * through untouched. Thread-safe if the wrapped port is.
 */
final class DurableWrites {
  /** The port methods that change stored state. */
  static final Set<String> WRITES =
      Set.of(
          "create",
          "updateProfile",
          "updateLastSeen",
          "save",
          "bumpTokenGeneration",
          "addMember",
          "removeMember",
          "rename",
          "append",
          "edit",
          "delete",
          "markRead",
          "put");

  private DurableWrites() {}

  /** A view of {@code delegate} whose writes wait for {@code barrier} after they completed. */
  static <T> T wrap(Class<T> port, T delegate, Supplier<CompletableFuture<Void>> barrier) {
    Object proxy =
        Proxy.newProxyInstance(
            port.getClassLoader(),
            new Class<?>[] {port},
            (self, method, args) -> {
              Object result = invoke(method, delegate, args);
              if (!WRITES.contains(method.getName())
                  || !(result instanceof CompletionStage<?> stage)) {
                return result;
              }
              return stage.thenCompose(value -> barrier.get().thenApply(ignored -> value));
            });
    return port.cast(proxy);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
