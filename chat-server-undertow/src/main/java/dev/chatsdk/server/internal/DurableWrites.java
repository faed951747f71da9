package dev.chatsdk.server.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Wraps a storage port so that each of its writes completes only after a durability barrier (the
 * embedded store's group commit): the engine acks a message only once it is on disk. Reads pass
 * through untouched. Every port method must be listed as a write or a read: wrapping a port with a
 * method in neither list fails, so a new write cannot slip through without its barrier. Thread-safe
 * if the wrapped port is.
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
          "setRole",
          "append",
          "edit",
          "delete",
          "markRead",
          "put");

  /** The port methods that only read. */
  static final Set<String> READS =
      Set.of(
          "find",
          "findById",
          "findByIds",
          "findByUsername",
          "findDirect",
          "search",
          "listForUser",
          "page",
          "changesSince",
          "lastSeq",
          "countUnread",
          "readMarker",
          "readMarkers",
          "get");

  private DurableWrites() {}

  /**
   * A view of {@code delegate} whose writes wait for {@code barrier} after they completed. Fails
   * with {@link IllegalArgumentException} if {@code port} has a method that is neither a known
   * write nor a known read.
   */
  static <T> T wrap(Class<T> port, T delegate, Supplier<CompletableFuture<Void>> barrier) {
    for (Method method : port.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers())
          && !WRITES.contains(method.getName())
          && !READS.contains(method.getName())) {
        throw new IllegalArgumentException(
            port.getSimpleName()
                + "."
                + method.getName()
                + ": neither a known write nor a known read (list it in DurableWrites)");
      }
    }
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
