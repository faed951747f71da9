package dev.chatsdk.server.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web demo's built bundle from the classpath folder {@value #ROOT} (copied there from
 * {@code web-demo/dist} at build time), or a plain page when the jar has none. Every response
 * carries the {@link #CSP Content-Security-Policy}; files under {@code /assets/} (content-hashed
 * names) are cacheable for a year, everything else is revalidated. Unknown paths without a file
 * extension get {@code index.html}, so client-side routes work on reload. Thread-safe.
 */
public final class StaticSite implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(StaticSite.class);

  /** The classpath folder holding the web demo. */
  public static final String ROOT = "webapp";

  /** The Content-Security-Policy of every static page. */
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self';"
          + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  private final HttpHandler delegate;
  private final boolean bundled;

  /** Creates the handler, looking for the bundle on {@code loader}. */
  public StaticSite(ClassLoader loader) {
    this.bundled = loader.getResource(ROOT + "/index.html") != null;
    if (bundled) {
      ClassPathResourceManager resources = new ClassPathResourceManager(loader, ROOT);
      ResourceHandler index =
          new ResourceHandler(resources, StaticSite::notFound).setWelcomeFiles("index.html");
      index.setCacheTime(0);
      ResourceHandler files =
          new ResourceHandler(
                  resources,
                  ex -> {
                    if (isClientRoute(ex)) {
                      ex.setRelativePath("/index.html");
                      index.handleRequest(ex);
                    } else {
                      notFound(ex);
                    }
                  })
              .setWelcomeFiles("index.html")
              .setDirectoryListingEnabled(false);
      this.delegate = files;
      log.info("serving the web demo from the classpath folder /{}", ROOT);
    } else {
      byte[] page = fallbackPage(loader);
      this.delegate =
          ex -> {
            if (!ex.getRelativePath().equals("/") && !ex.getRelativePath().equals("/index.html")) {
              notFound(ex);
              return;
            }
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            ex.getResponseSender().send(ByteBuffer.wrap(page));
          };
      log.info(
          "no web demo bundled (classpath /{}/index.html missing): serving a plain page", ROOT);
    }
  }

  /** Whether the web demo is bundled. */
  public boolean bundled() {
    return bundled;
  }

  @Override
  public void handleRequest(HttpServerExchange ex) throws Exception {
    if (!ex.getRequestMethod().equals(Methods.GET) && !ex.getRequestMethod().equals(Methods.HEAD)) {
      ex.setStatusCode(405);
      ex.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      ex.endExchange();
      return;
    }
    ex.getResponseHeaders().put(Http.CONTENT_SECURITY_POLICY, CSP);
    String path = ex.getRelativePath();
    if (path.startsWith("/assets/")) {
      ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=31536000, immutable");
    } else {
      ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    }
    delegate.handleRequest(ex);
  }

  private static boolean isClientRoute(HttpServerExchange ex) {
    String path = ex.getRelativePath();
    int slash = path.lastIndexOf('/');
    return !path.startsWith("/api/") && path.indexOf('.', slash + 1) < 0;
  }

  private static void notFound(HttpServerExchange ex) {
    ex.setStatusCode(404);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    ex.getResponseSender().send("not found");
  }

  private static byte[] fallbackPage(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("dev/chatsdk/server/internal/fallback.html")) {
      if (in == null) {
        return "<!doctype html><title>Chat server</title><p>The chat server is running."
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
